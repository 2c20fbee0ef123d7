import Logging
import NIOCore

/// Serves DNS over one TCP connection (RFC 7766): each message has a 2-byte length prefix;
/// queries may be pipelined and are answered as they complete. A connection idle for the
/// configured time is closed.
final class DNSStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let service: DNSQueryService
    private let logger: Logger

    init(service: DNSQueryService, logger: Logger) {
        self.service = service
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        guard let remote = context.channel.remoteAddress, let client = DNSAddress(remote) else {
            context.close(promise: nil)
            return
        }
        switch service.handle(Array(frame.readableBytesView), from: client, over: .tcp, on: context.eventLoop)
        {
        case .reply(let bytes):
            context.writeAndFlush(
                Self.wrapOutboundOut(Self.frame(bytes, allocator: context.channel.allocator)), promise: nil)
        case .deferred(let future):
            let channel = context.channel
            future.whenSuccess { bytes in
                channel.writeAndFlush(Self.frame(bytes, allocator: channel.allocator), promise: nil)
            }
        case .drop:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("DNS TCP connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private static func frame(_ bytes: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: bytes.count + 2)
        buffer.writeInteger(UInt16(bytes.count))
        buffer.writeBytes(bytes)
        return buffer
    }
}

/// Splits a TCP byte stream into DNS messages at their 2-byte length prefixes.
struct DNSStreamFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
            buffer.readableBytes >= 2 + Int(length)
        else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 2)
        let frame = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
