import NIOCore
import NIOHTTP1

/// A unary call whose headers were accepted: turns the request body into one HTTP reply.
struct UnaryCall: Sendable {
    /// Where the request message comes from.
    enum Input: Sendable {
        /// A POST body, compressed as `content-encoding` says.
        case body(compression: MessageCompression)
        /// A GET's `message` query parameter; the body must be empty.
        case query(message: ByteBuffer, compression: MessageCompression)
    }

    var method: ConnectMethod
    var codec: ConnectCodec
    /// The content type of a successful answer: the request's.
    var contentType: String
    var input: Input
    var context: ConnectRequestContext
    var maxMessageBytes: Int

    /// Decodes the request, runs the handler (against the deadline, if any) and encodes the
    /// answer. Never throws: every failure is a Connect error reply.
    func reply(toBody body: ByteBuffer) async -> HTTPReply {
        guard case .unary(let handler) = self.method.implementation else {
            preconditionFailure("UnaryCall made for streaming method \(self.method.procedure)")
        }
        do {
            let message: ByteBuffer
            switch self.input {
            case .body(let compression):
                message = try compression.decompress(body, limit: self.maxMessageBytes)
            case .query(let query, let compression):
                guard body.readableBytes == 0 else {
                    return .plain(
                        .unsupportedMediaType, headers: ["accept-post": CallAdmission.unaryAcceptPost])
                }
                guard query.readableBytes <= self.maxMessageBytes else {
                    throw ConnectError(
                        .resourceExhausted, "message is larger than \(self.maxMessageBytes) bytes")
                }
                message = try compression.decompress(query, limit: self.maxMessageBytes)
            }
            let request = Array(message.readableBytesView)
            let codec = self.codec
            let response = try await ConnectRequestContext.$current.withValue(self.context) {
                try await Deadline.run(until: self.context.deadline) { try await handler(request, codec) }
            }
            return HTTPReply(
                status: .ok,
                headers: [
                    "content-type": self.contentType, "accept-encoding": MessageCompression.supportedNames,
                ],
                body: ByteBuffer(bytes: response))
        } catch {
            return HTTPReply(error: .from(error))
        }
    }
}
