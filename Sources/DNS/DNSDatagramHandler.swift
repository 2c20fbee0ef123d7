import Logging
import NIOCore

/// Serves DNS over UDP on one listening socket: one datagram in, at most one datagram back.
final class DNSDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let service: DNSQueryService
    private let logger: Logger

    init(service: DNSQueryService, logger: Logger) {
        self.service = service
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        guard let client = DNSAddress(envelope.remoteAddress) else { return }
        let query = Array(envelope.data.readableBytesView)
        let remote = envelope.remoteAddress
        switch service.handle(query, from: client, over: .udp, on: context.eventLoop) {
        case .reply(let bytes):
            let reply = AddressedEnvelope(
                remoteAddress: remote, data: context.channel.allocator.buffer(bytes: bytes))
            context.writeAndFlush(Self.wrapOutboundOut(reply), promise: nil)
        case .deferred(let future):
            let channel = context.channel
            future.whenSuccess { bytes in
                let reply = AddressedEnvelope(
                    remoteAddress: remote, data: channel.allocator.buffer(bytes: bytes))
                channel.writeAndFlush(reply, promise: nil)
            }
        case .drop:
            break
        }
    }

    /// A failed receive or send concerns one datagram; the socket keeps serving.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("DNS UDP socket error", metadata: ["error": "\(error)"])
    }
}
