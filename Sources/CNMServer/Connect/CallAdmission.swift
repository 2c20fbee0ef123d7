import NIOCore
import NIOHTTP1

/// What to do with a request once its head has arrived (connect.md §1, §3, §4).
enum CallAdmission: Sendable {
    /// Answer at once and drop the body: unknown procedure, wrong method or content type, or
    /// a unary protocol error found in the headers.
    case reply(HTTPReply)
    /// A unary call: read the body, then answer with one reply.
    case unary(UnaryCall)
    /// A server-streaming call: read the body, then stream (always HTTP 200 from here on).
    case stream(StreamCall)

    /// The media types a unary POST may carry, for `Accept-Post`.
    static let unaryAcceptPost = "application/json, application/json; charset=utf-8, application/proto"
    /// The media types a streaming POST may carry, for `Accept-Post`.
    static let streamAcceptPost = "application/connect+json, application/connect+proto"

    /// Decides how to serve `head` with the procedures of `router`.
    static func decide(
        _ head: HTTPRequestHead, router: ConnectRouter, maxMessageBytes: Int,
        now: ContinuousClock.Instant = .now
    ) -> CallAdmission {
        let (path, query) = Self.split(uri: head.uri)
        guard let method = Self.lookUp(path, in: router) else {
            // 404 as connect-go's mux answers, with the Connect body clients map to unimplemented.
            var reply = HTTPReply(error: ConnectError(.unimplemented, "unknown procedure \(path)"))
            reply.status = .notFound
            return .reply(reply)
        }
        let isGet = head.method == .GET
        let allowsGet = method.noSideEffects && !method.isStreaming
        guard head.method == .POST || (isGet && allowsGet) else {
            return .reply(.plain(.methodNotAllowed, headers: ["allow": allowsGet ? "GET, POST" : "POST"]))
        }
        if method.isStreaming {
            return Self.admitStream(head, method: method, maxMessageBytes: maxMessageBytes, now: now)
        }
        return Self.admitUnary(
            head, method: method, query: isGet ? query ?? "" : nil, maxMessageBytes: maxMessageBytes, now: now
        )
    }

    private static func admitUnary(
        _ head: HTTPRequestHead, method: ConnectMethod, query: Substring?, maxMessageBytes: Int,
        now: ContinuousClock.Instant
    ) -> CallAdmission {
        let codec: ConnectCodec
        let contentType: String
        let input: UnaryCall.Input
        do throws(ConnectError) {
            if let query {
                let form = FormQuery(query)
                guard let encoding = form.string("encoding") else {
                    throw ConnectError(.invalidArgument, "missing \"encoding\" query parameter")
                }
                guard let getCodec = ConnectCodec(rawValue: encoding) else {
                    return .reply(
                        .plain(.unsupportedMediaType, headers: ["accept-post": Self.unaryAcceptPost]))
                }
                if let version = form.string("connect"), version != "v1" {
                    throw ConnectError(
                        .invalidArgument, "connect query parameter must be \"v1\", got \"\(version)\"")
                }
                guard var message = form.bytes("message") else {
                    throw ConnectError(.invalidArgument, "missing \"message\" query parameter")
                }
                if form.string("base64") == "1" {
                    guard let decoded = FormQuery.decodeBase64URL(message) else {
                        throw ConnectError(
                            .invalidArgument, "\"message\" query parameter is not valid base64")
                    }
                    message = decoded
                }
                codec = getCodec
                contentType = "application/\(getCodec.rawValue)"
                input = .query(
                    message: ByteBuffer(bytes: message),
                    compression: try MessageCompression(name: form.string("compression")))
            } else {
                guard let (postCodec, mediaType) = Self.unaryCodec(head.headers.first(name: "content-type"))
                else {
                    return .reply(
                        .plain(.unsupportedMediaType, headers: ["accept-post": Self.unaryAcceptPost]))
                }
                codec = postCodec
                contentType = mediaType
                input = .body(
                    compression: try MessageCompression(name: head.headers.first(name: "content-encoding")))
            }
            try Self.checkProtocolVersion(head.headers)
            let deadline = try Deadline.parse(head.headers.first(name: "connect-timeout-ms"), now: now)
            return .unary(
                UnaryCall(
                    method: method, codec: codec, contentType: contentType, input: input,
                    context: ConnectRequestContext(
                        procedure: method.procedure, headers: head.headers, deadline: deadline),
                    maxMessageBytes: maxMessageBytes))
        } catch {
            return .reply(HTTPReply(error: error))
        }
    }

    private static func admitStream(
        _ head: HTTPRequestHead, method: ConnectMethod, maxMessageBytes: Int, now: ContinuousClock.Instant
    ) -> CallAdmission {
        guard let (codec, contentType) = Self.streamCodec(head.headers.first(name: "content-type")) else {
            return .reply(.plain(.unsupportedMediaType, headers: ["accept-post": Self.streamAcceptPost]))
        }
        // From here on the answer is HTTP 200 and any error travels in the end-of-stream message.
        var call = StreamCall(
            method: method, codec: codec, contentType: contentType, compression: .identity,
            context: ConnectRequestContext(procedure: method.procedure, headers: head.headers, deadline: nil),
            maxMessageBytes: maxMessageBytes, headerError: nil)
        do throws(ConnectError) {
            try Self.checkProtocolVersion(head.headers)
            call.context.deadline = try Deadline.parse(
                head.headers.first(name: "connect-timeout-ms"), now: now)
            call.compression = try MessageCompression(
                name: head.headers.first(name: "connect-content-encoding"))
        } catch {
            call.headerError = error
        }
        return .stream(call)
    }

    /// A `connect-protocol-version` other than 1 is refused; a missing one is accepted
    /// (connect.md §1).
    private static func checkProtocolVersion(_ headers: HTTPHeaders) throws(ConnectError) {
        if let version = headers.first(name: "connect-protocol-version"), version.trimmingSpaces != "1" {
            throw ConnectError(.invalidArgument, "connect-protocol-version must be \"1\", got \"\(version)\"")
        }
    }

    /// The codec of a unary POST and the content type to answer with (the request's, in lower
    /// case), or nil for an unsupported media type.
    static func unaryCodec(_ contentType: String?) -> (ConnectCodec, String)? {
        // What every client sends, recognised without parsing.
        switch contentType {
        case "application/json": return (.json, "application/json")
        case "application/proto": return (.proto, "application/proto")
        default: break
        }
        guard let (mediaType, parameters) = Self.parseMediaType(contentType) else { return nil }
        switch (mediaType, parameters) {
        case ("application/json", []): return (.json, "application/json")
        case ("application/json", ["charset=utf-8"]): return (.json, "application/json; charset=utf-8")
        case ("application/proto", []): return (.proto, "application/proto")
        default: return nil
        }
    }

    /// The codec of a streaming POST and its content type, or nil for anything that is not
    /// `application/connect+json` or `application/connect+proto`.
    static func streamCodec(_ contentType: String?) -> (ConnectCodec, String)? {
        guard let (mediaType, parameters) = Self.parseMediaType(contentType) else { return nil }
        switch (mediaType, parameters) {
        case ("application/connect+json", []), ("application/connect+json", ["charset=utf-8"]):
            return (.json, "application/connect+json")
        case ("application/connect+proto", []): return (.proto, "application/connect+proto")
        default: return nil
        }
    }

    /// Lower-cased media type and its parameters with spaces removed, e.g.
    /// `("application/json", ["charset=utf-8"])`.
    private static func parseMediaType(_ value: String?) -> (String, [String])? {
        guard let value else { return nil }
        let parts = value.lowercased().split(separator: ";").map { String($0).trimmingSpaces }
        guard let mediaType = parts.first, !mediaType.isEmpty else { return nil }
        let parameters = parts.dropFirst().filter { !$0.isEmpty }.map {
            $0.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\"", with: "")
        }
        return (String(mediaType), parameters)
    }

    /// The path and the query of a request target.
    static func split(uri: String) -> (path: String, query: Substring?) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, nil) }
        return (String(uri[..<mark]), uri[uri.index(after: mark)...])
    }

    /// Finds the procedure for `path`; a routing prefix before `/pkg.Service/Method` is allowed.
    static func lookUp(_ path: String, in router: ConnectRouter) -> ConnectMethod? {
        if let method = router.method(for: path) { return method }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard components.count > 3 else { return nil }
        return router.method(for: "/" + components.suffix(2).joined(separator: "/"))
    }
}
