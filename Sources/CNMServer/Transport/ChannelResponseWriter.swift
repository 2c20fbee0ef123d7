import NIOCore
import NIOHTTP1

/// Writes a response into a channel whose pipeline ends in HTTP/1-style response parts
/// (an HTTP/1.1 connection, or an HTTP/2 stream behind `HTTP2FramePayloadToHTTP1ServerCodec`).
/// Safe to use from any task: `Channel` hops to its event loop.
struct ChannelResponseWriter: ResponseWriter {
    let channel: any Channel

    func writeHead(_ status: HTTPResponseStatus, headers: HTTPHeaders) async throws {
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        try await self.channel.writeAndFlush(HTTPServerResponsePart.head(head))
    }

    func writeBody(_ bytes: ByteBuffer) async throws {
        try await self.channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(bytes)))
    }

    func writeEnd() async throws {
        try await self.channel.writeAndFlush(HTTPServerResponsePart.end(nil))
    }

    /// Writes a whole reply with one flush; failures (the client left) are ignored.
    func write(_ reply: HTTPReply) {
        Self.write(reply, to: self.channel)
    }

    /// Writes a whole reply with one flush, adding `content-length`.
    static func write(_ reply: HTTPReply, to channel: any Channel) {
        var headers = reply.headers
        headers.replaceOrAdd(name: "content-length", value: String(reply.body.readableBytes))
        let head = HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        if reply.body.readableBytes > 0 {
            channel.write(HTTPServerResponsePart.body(.byteBuffer(reply.body)), promise: nil)
        }
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
    }
}
