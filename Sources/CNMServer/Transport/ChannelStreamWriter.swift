import NIOCore
import NIOHTTP1

/// Writes a streamed response into a channel, in the framing of its HTTP version.
/// Safe to use from any task: `Channel` hops to its event loop.
struct ChannelStreamWriter<Framing: HTTPFraming>: ResponseWriter {
    let channel: any Channel

    func writeHead(_ status: HTTPResponseStatus, headers: HTTPHeaders) async throws {
        try await self.channel.writeAndFlush(Framing.streamHead(status, headers: headers))
    }

    func writeBody(_ bytes: ByteBuffer) async throws {
        try await self.channel.writeAndFlush(Framing.streamBody(bytes))
    }

    func writeEnd() async throws {
        try await self.channel.writeAndFlush(Framing.streamEnd())
    }
}
