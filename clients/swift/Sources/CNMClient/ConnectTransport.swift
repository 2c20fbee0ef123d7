import NIOCore
import NIOHPACK
import NIOHTTP2
import SwiftProtobuf

/// Connect unary and server-streaming calls over the client's shared HTTP/2 connection.
struct ConnectTransport: Sendable {
    let configuration: CNMClientConfiguration
    let connection: SharedConnection

    init(configuration: CNMClientConfiguration, group: any EventLoopGroup) throws(CNMError) {
        self.configuration = configuration
        self.connection = SharedConnection(
            connector: try HTTP2Connector(configuration: configuration, group: group))
    }

    // MARK: Unary

    func unary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        path: String, request: Request, options: CNMCallOptions
    ) async throws(CNMError) -> Response {
        let codec = configuration.codec
        let timeout = options.timeout ?? configuration.defaultTimeout
        let body = try codec.encode(request)
        let headers = try ConnectRequestHeaders.make(
            endpoint: configuration.endpoint, path: path, contentType: codec.unaryContentType,
            timeout: timeout, contentLength: body.count, custom: options.headers)
        let limit = configuration.maxResponseBytes
        return try await mapErrors {
            try await CallDeadline.run(timeout: timeout) {
                try await withStream { stream in
                    try await stream.executeThenClose { inbound, outbound in
                        try await outbound.write(.headers(.init(headers: headers)))
                        try await outbound.write(
                            .data(.init(data: .byteBuffer(ByteBuffer(bytes: body)), endStream: true)))
                        var reader = HTTP2ResponseReader(inbound)
                        let head = try await reader.head()
                        let responseBody = try await reader.body(limit: limit)
                        guard head.status == 200 else {
                            throw ConnectErrorBody.error(
                                httpStatus: head.status, contentType: head.first("content-type"),
                                body: responseBody)
                        }
                        try Self.checkHead(head, expecting: codec.unaryContentType)
                        return try codec.decode(Response.self, from: responseBody)
                    }
                }
            }
        }
    }

    // MARK: Server streaming

    func serverStream<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        path: String, request: Request, options: CNMCallOptions
    ) -> AsyncThrowingStream<Response, any Error> {
        let (stream, continuation) = AsyncThrowingStream<Response, any Error>.makeStream()
        let task = Task {
            do throws(CNMError) {
                try await streamCall(path: path, request: request, options: options) { message in
                    continuation.yield(message)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func streamCall<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        path: String, request: Request, options: CNMCallOptions,
        yield: @escaping @Sendable (Response) -> Void
    ) async throws(CNMError) {
        let codec = configuration.codec
        let timeout = options.timeout
        let envelope = ConnectEnvelope(payload: try codec.encode(request))
        let headers = try ConnectRequestHeaders.make(
            endpoint: configuration.endpoint, path: path, contentType: codec.streamContentType,
            timeout: timeout, contentLength: nil, custom: options.headers)
        let limit = configuration.maxResponseBytes
        try await mapErrors {
            try await CallDeadline.run(timeout: timeout) {
                try await withStream { stream in
                    try await stream.executeThenClose { inbound, outbound in
                        var body = ByteBuffer()
                        envelope.write(into: &body)
                        try await outbound.write(.headers(.init(headers: headers)))
                        try await outbound.write(.data(.init(data: .byteBuffer(body), endStream: true)))
                        var reader = HTTP2ResponseReader(inbound)
                        let head = try await reader.head()
                        guard head.status == 200 else {
                            let responseBody = try await reader.body(limit: limit)
                            throw ConnectErrorBody.error(
                                httpStatus: head.status, contentType: head.first("content-type"),
                                body: responseBody)
                        }
                        try Self.checkHead(head, expecting: codec.streamContentType)
                        var decoder = ConnectEnvelopeDecoder(maxPayloadLength: limit)
                        while let chunk = try await reader.nextChunk() {
                            decoder.append(chunk)
                            while let message = try decoder.next() {
                                if message.flags.contains(.endStream) {
                                    if let error = try ConnectEndStream.decode(message.payload) {
                                        throw error
                                    }
                                    try await Self.expectEnd(of: &reader, decoder: decoder)
                                    return
                                }
                                guard !message.flags.contains(.compressed) else {
                                    throw CNMError(
                                        .internal,
                                        "protocol error: compressed message on an uncompressed stream")
                                }
                                yield(try codec.decode(Response.self, from: message.payload))
                            }
                        }
                        throw CNMError(
                            .internal, "protocol error: the stream ended without an end-of-stream message")
                    }
                }
            }
        }
    }

    /// After the end-of-stream message nothing may follow.
    private static func expectEnd(of reader: inout HTTP2ResponseReader, decoder: ConnectEnvelopeDecoder)
        async throws
    {
        var extra = decoder.bufferedByteCount
        while let chunk = try await reader.nextChunk() { extra += chunk.readableBytes }
        if extra > 0 {
            throw CNMError(.internal, "protocol error: \(extra) bytes after the end-of-stream message")
        }
    }

    // MARK: Shared steps

    /// A 200 response must carry the codec's content type and no compression (none was offered).
    private static func checkHead(_ head: HTTP2ResponseReader.Head, expecting contentType: String) throws {
        let received = head.first("content-type") ?? ""
        let mediaType = received.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        guard mediaType == contentType else {
            throw CNMError(
                .internal, "protocol error: response content-type '\(received)', expected '\(contentType)'")
        }
        let encoding = head.first("content-encoding") ?? head.first("connect-content-encoding") ?? "identity"
        guard encoding.lowercased() == "identity" else {
            throw CNMError(
                .internal, "protocol error: response compressed with '\(encoding)', which was not offered")
        }
    }

    /// Runs `body` on a new stream of the shared connection. When the stream cannot be opened
    /// (the cached connection died between calls), the connection is replaced and opening is
    /// tried once more: nothing has been sent yet, so this is safe for any call.
    private func withStream<T: Sendable>(_ body: (HTTP2Connection.Stream) async throws -> T) async throws -> T
    {
        var attempt = 0
        while true {
            attempt += 1
            let current: HTTP2Connection
            do {
                current = try await connection.current()
            } catch {
                throw Self.describe(error, doing: "cannot connect to cnmd at \(configuration.endpoint)")
            }
            let stream: HTTP2Connection.Stream
            do {
                stream = try await current.openStream()
            } catch {
                await connection.discard(current)
                if attempt < 2 && !Task.isCancelled { continue }
                throw Self.describe(current.closingError ?? error, doing: "cannot open a stream to cnmd")
            }
            do {
                return try await body(stream)
            } catch {
                if !current.isActive { await connection.discard(current) }
                // A stream cut short because the connection died: say why the connection died.
                if let cause = current.closingError,
                    (error as? CNMError)?.code ?? .unavailable == .unavailable,
                    !(error is CancellationError)
                {
                    throw Self.describe(cause, doing: "the connection to cnmd failed")
                }
                if error is CNMError || error is CancellationError { throw error }
                throw Self.describe(error, doing: "the connection to cnmd failed")
            }
        }
    }

    /// Turns whatever a call threw into a ``CNMError``.
    private func mapErrors<T>(_ call: () async throws -> T) async throws(CNMError) -> T {
        do {
            return try await call()
        } catch let error as CNMError {
            throw error
        } catch is CancellationError {
            throw CNMError(.canceled, "the call was canceled")
        } catch {
            throw Task.isCancelled
                ? CNMError(.canceled, "the call was canceled")
                : Self.describe(error, doing: "the call to cnmd failed")
        }
    }

    private static func describe(_ error: any Error, doing what: String) -> CNMError {
        switch error {
        case let error as CNMError:
            return error
        case is CancellationError:
            return CNMError(.canceled, "the call was canceled")
        case let closed as NIOHTTP2Errors.StreamClosed:
            return CNMError(.unavailable, "\(what): the server reset the stream (\(closed.errorCode))")
        default:
            return CNMError(.unavailable, "\(what): \(TransportErrorText.describe(error))")
        }
    }
}
