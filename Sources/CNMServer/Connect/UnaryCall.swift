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

    /// True if the handler is synchronous (``ConnectRouter/synchronousUnary(_:noSideEffects:_:)``):
    /// then ``replyNow(toBody:)`` answers on the spot, without a task.
    var isSynchronous: Bool { self.method.isSynchronous }

    /// Decodes the request, runs the handler (against the deadline, if any) and encodes the
    /// answer. Never throws: every failure is a Connect error reply.
    func reply(toBody body: ByteBuffer) async -> HTTPReply {
        switch self.method.implementation {
        case .unary(let handler):
            do {
                let request = try self.requestMessage(in: body)
                let codec = self.codec
                let response = try await ConnectRequestContext.$current.withValue(self.context) {
                    try await Deadline.run(until: self.context.deadline) { try await handler(request, codec) }
                }
                return self.success(response)
            } catch let rejection as PlainRejection {
                return rejection.reply
            } catch {
                return HTTPReply(error: .from(error))
            }
        case .synchronousUnary:
            return self.replyNow(toBody: body)
        case .serverStreaming:
            preconditionFailure("UnaryCall made for streaming method \(self.method.procedure)")
        }
    }

    /// Decodes the request, runs a synchronous handler and encodes the answer, on the calling
    /// thread. Never throws: every failure is a Connect error reply.
    func replyNow(toBody body: ByteBuffer) -> HTTPReply {
        guard case .synchronousUnary(let handler) = self.method.implementation else {
            preconditionFailure("replyNow called for asynchronous method \(self.method.procedure)")
        }
        do {
            let request = try self.requestMessage(in: body)
            let codec = self.codec
            let response = try ConnectRequestContext.$current.withValue(self.context) {
                try handler(request, codec)
            }
            return self.success(response)
        } catch let rejection as PlainRejection {
            return rejection.reply
        } catch {
            return HTTPReply(error: .from(error))
        }
    }

    /// A reply that is not a Connect error (a GET with a body is a plain 415, as connect-go answers).
    private struct PlainRejection: Error {
        var reply: HTTPReply
    }

    /// The request message: the POST body or the GET query, decompressed.
    private func requestMessage(in body: ByteBuffer) throws -> [UInt8] {
        let message: ByteBuffer
        switch self.input {
        case .body(let compression):
            message = try compression.decompress(body, limit: self.maxMessageBytes)
        case .query(let query, let compression):
            guard body.readableBytes == 0 else {
                throw PlainRejection(
                    reply: .plain(
                        .unsupportedMediaType, headers: ["accept-post": CallAdmission.unaryAcceptPost]))
            }
            guard query.readableBytes <= self.maxMessageBytes else {
                throw ConnectError(.resourceExhausted, "message is larger than \(self.maxMessageBytes) bytes")
            }
            message = try compression.decompress(query, limit: self.maxMessageBytes)
        }
        return Array(message.readableBytesView)
    }

    /// The 200 answer carrying `response`, in the request's content type.
    private func success(_ response: [UInt8]) -> HTTPReply {
        HTTPReply(
            status: .ok,
            headers: [
                "content-type": self.contentType, "accept-encoding": MessageCompression.supportedNames,
            ],
            body: ByteBuffer(bytes: response))
    }
}
