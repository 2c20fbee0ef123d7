import NIOCore
import NIOPosix

/// One query sent to one upstream server and its reply, over UDP or TCP.
///
/// Each exchange uses a fresh socket (a random source port) and a random query ID, restored in
/// the reply, and accepts only a response with that ID from that server, so spoofed replies are
/// hard to slip in. The exchange fails after `timeout`.
struct UpstreamExchange {
    struct Timeout: Error, CustomStringConvertible {
        var server: DNSUpstreamServer
        var description: String { "no reply from \(server) in time" }
    }

    struct ConnectionClosed: Error, CustomStringConvertible {
        var server: DNSUpstreamServer
        var description: String { "\(server) closed the connection without a reply" }
    }

    let server: DNSUpstreamServer
    let query: [UInt8]
    let timeout: TimeAmount
    let loop: any EventLoop
    private let id = UInt16.random(in: .min ... .max)

    init(server: DNSUpstreamServer, query: [UInt8], timeout: TimeAmount, on loop: any EventLoop) {
        self.server = server
        self.query = query
        self.timeout = timeout
        self.loop = loop
    }

    private var remote: SocketAddress {
        SocketAddress(server.address, port: server.port, scopeID: server.scopeID)
    }

    /// The query with this exchange's ID.
    private var rewritten: [UInt8] {
        [UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)] + query.dropFirst(2)
    }

    func overUDP() -> EventLoopFuture<[UInt8]> {
        let promise = loop.makePromise(of: [UInt8].self)
        let (id, server, remote, bytes) = (self.id, self.server, self.remote, self.rewritten)
        let channel = DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamDatagramReplyHandler(id: id, server: server, promise: promise))
                }
            }
            .bind(host: server.address.isIPv4 ? "0.0.0.0" : "::", port: 0)
        return exchange(on: channel, promise: promise) { channel in
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: bytes)))
        }
    }

    func overTCP() -> EventLoopFuture<[UInt8]> {
        let promise = loop.makePromise(of: [UInt8].self)
        let (id, server, bytes) = (self.id, self.server, self.rewritten)
        let channel = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(DNSStreamFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamStreamReplyHandler(id: id, server: server, promise: promise))
                }
            }
            .connect(to: remote)
        return exchange(on: channel, promise: promise) { channel in
            var frame = ByteBuffer()
            frame.writeInteger(UInt16(bytes.count))
            frame.writeBytes(bytes)
            return channel.writeAndFlush(frame)
        }
    }

    /// Sends once the channel is up, fails the promise after the timeout, closes the channel
    /// when done, and gives the reply back with the client's ID.
    private func exchange(
        on channel: EventLoopFuture<any Channel>, promise: EventLoopPromise<[UInt8]>,
        send: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<[UInt8]> {
        let timer = loop.scheduleTask(in: timeout) { [server] in promise.fail(Timeout(server: server)) }
        channel.whenFailure { promise.fail($0) }
        channel.whenSuccess { channel in
            promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
            send(channel).whenFailure { promise.fail($0) }
        }
        let (first, second) = (query[0], query[1])
        return promise.futureResult.always { _ in timer.cancel() }.map { reply in
            var restored = reply
            restored[0] = first
            restored[1] = second
            return restored
        }
    }
}

/// Whether `bytes` is a response carrying `id`.
private func isResponse(_ bytes: ByteBufferView, to id: UInt16) -> Bool {
    let start = bytes.startIndex
    return bytes.count >= 12 && bytes[start + 2] & 0x80 != 0
        && UInt16(bytes[start]) << 8 | UInt16(bytes[start + 1]) == id
}

/// Waits on a forwarding UDP socket for the reply to the query sent from it.
private final class UpstreamDatagramReplyHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let id: UInt16
    private let server: DNSUpstreamServer
    private let promise: EventLoopPromise<[UInt8]>

    init(id: UInt16, server: DNSUpstreamServer, promise: EventLoopPromise<[UInt8]>) {
        self.id = id
        self.server = server
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        let bytes = envelope.data.readableBytesView
        guard DNSAddress(envelope.remoteAddress) == server.address,
            envelope.remoteAddress.port == server.port,
            isResponse(bytes, to: id)
        else { return }
        promise.succeed(Array(bytes))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
    }
}

/// Waits on a forwarding TCP connection for the reply to the query sent on it.
private final class UpstreamStreamReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let id: UInt16
    private let server: DNSUpstreamServer
    private let promise: EventLoopPromise<[UInt8]>

    init(id: UInt16, server: DNSUpstreamServer, promise: EventLoopPromise<[UInt8]>) {
        self.id = id
        self.server = server
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        guard isResponse(frame.readableBytesView, to: id) else { return }
        promise.succeed(Array(frame.readableBytesView))
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(UpstreamExchange.ConnectionClosed(server: server))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
    }
}
