import Foundation
import NIOCore
import NIOHTTP1

/// Writes a response piece by piece: the streaming side of a connection (HTTP/1.1 or an
/// HTTP/2 stream). Each call returns once the piece is handed to the connection and throws if
/// the connection is gone.
protocol ResponseWriter: Sendable {
    func writeHead(_ status: HTTPResponseStatus, headers: HTTPHeaders) async throws
    func writeBody(_ bytes: ByteBuffer) async throws
    func writeEnd() async throws
}

/// A server-streaming call whose content type was accepted: answers HTTP 200, then the
/// response envelopes, then the end-of-stream message carrying success or the error.
struct StreamCall: Sendable {
    var method: ConnectMethod
    var codec: ConnectCodec
    var contentType: String
    /// `connect-content-encoding` of the request envelopes.
    var compression: MessageCompression
    var context: ConnectRequestContext
    var maxMessageBytes: Int
    /// An error already found in the headers; it ends the stream at once.
    var headerError: ConnectError?

    /// Runs the call on a complete request body and writes the whole response.
    func run(body: ByteBuffer, writer: some ResponseWriter) async {
        guard case .serverStreaming(let handler) = self.method.implementation else {
            preconditionFailure("StreamCall made for unary method \(self.method.procedure)")
        }
        do {
            try await writer.writeHead(.ok, headers: self.responseHeaders)
        } catch {
            return  // the client is gone; nobody to tell
        }
        var outcome: ConnectError?
        do {
            if let headerError { throw headerError }
            let request = try self.requestMessage(in: body)
            let codec = self.codec
            try await ConnectRequestContext.$current.withValue(self.context) {
                try await Deadline.run(until: self.context.deadline) {
                    try await handler(request, codec) { message in
                        let envelope = Envelope(flags: [], message: ByteBuffer(bytes: message))
                        try await writer.writeBody(envelope.encoded)
                    }
                }
            }
            outcome = nil
        } catch {
            outcome = .from(error)
        }
        // The task is cancelled when the client leaves (then nobody reads this) or when the
        // server shuts down: tell the client to come back later, whatever the handler did.
        if Task.isCancelled {
            outcome = ConnectError(.unavailable, "the server is shutting down")
        }
        try? await writer.writeBody(Self.endStream(outcome).encoded)
        try? await writer.writeEnd()
    }

    /// Ends the call with `error` before any handler ran (e.g. an oversized body).
    func fail(_ error: ConnectError, writer: some ResponseWriter) async {
        do {
            try await writer.writeHead(.ok, headers: self.responseHeaders)
            try await writer.writeBody(Self.endStream(error).encoded)
            try await writer.writeEnd()
        } catch {
            // The client is gone; nobody to tell.
        }
    }

    private var responseHeaders: HTTPHeaders {
        ["content-type": self.contentType, "connect-accept-encoding": MessageCompression.supportedNames]
    }

    /// The one request message of a server-streaming call, unwrapped and decompressed.
    private func requestMessage(in body: ByteBuffer) throws(ConnectError) -> [UInt8] {
        let envelopes = try Envelope.parseAll(body, limit: self.maxMessageBytes)
        guard envelopes.count == 1, let envelope = envelopes.first else {
            throw ConnectError(
                .invalidArgument, "a server-streaming call takes exactly one message, got \(envelopes.count)")
        }
        var message = envelope.message
        if envelope.flags.contains(.compressed) {
            guard self.compression != .identity else {
                throw ConnectError(.invalidArgument, "compressed message without connect-content-encoding")
            }
            message = try self.compression.decompress(message, limit: self.maxMessageBytes)
        }
        return Array(message.readableBytesView)
    }

    /// The end-of-stream envelope: `{}` on success, `{"error": {...}}` on failure; JSON
    /// whatever the codec (connect.md §4).
    static func endStream(_ error: ConnectError?) -> Envelope {
        var object: [String: Any] = [:]
        if let error {
            object["error"] = error.jsonObject
        }
        let json =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Envelope(flags: .endStream, message: ByteBuffer(bytes: json))
    }
}
