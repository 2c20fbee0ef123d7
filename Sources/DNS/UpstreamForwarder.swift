import Logging
import NIOCore
import NIOPosix
import Synchronization

/// Forwards the queries the record source does not own to the upstream nameservers over UDP.
///
/// Each attempt uses a fresh socket on a random port and a random query ID (restored in the
/// reply), and accepts only a reply from the server asked with that ID, which makes spoofed
/// replies hard to slip in. Servers are tried in order, at most three (as glibc does), each for
/// `timeout`; when all fail the client gets SERVFAIL from the caller.
final class UpstreamForwarder: Sendable {
    /// Why forwarding gave no reply.
    enum Failure: Error {
        case noServers
        case tooManyForwards
        case timeout(DNSUpstreamServer)
    }

    static let maxServers = 3

    private let fixedServers: [DNSUpstreamServer]
    private let hostNameservers: HostNameservers?
    private let timeout: TimeAmount
    private let maxInFlight: Int
    private let inFlight = Atomic<Int>(0)
    private let logger: Logger

    /// Nil for `.none`: there is nothing to forward to.
    init?(upstream: DNSUpstream, timeout: Duration, maxInFlight: Int, logger: Logger) {
        switch upstream {
        case .none:
            return nil
        case .servers(let servers):
            fixedServers = servers
            hostNameservers = nil
        case .host(let path):
            fixedServers = []
            hostNameservers = HostNameservers(path: path, logger: logger)
        }
        self.timeout = TimeAmount(timeout)
        self.maxInFlight = maxInFlight
        self.logger = logger
    }

    /// The servers a query is sent to now.
    var servers: [DNSUpstreamServer] {
        Array((hostNameservers?.servers() ?? fixedServers).prefix(Self.maxServers))
    }

    /// Sends `query` upstream and gives the first valid reply, with the client's query ID.
    func forward(_ query: [UInt8], on loop: any EventLoop) -> EventLoopFuture<[UInt8]> {
        let servers = self.servers
        guard !servers.isEmpty else { return loop.makeFailedFuture(Failure.noServers) }
        guard inFlight.add(1, ordering: .relaxed).newValue <= maxInFlight else {
            inFlight.subtract(1, ordering: .relaxed)
            return loop.makeFailedFuture(Failure.tooManyForwards)
        }
        let result = ask(servers, from: 0, query: query, on: loop)
        result.whenComplete { _ in self.inFlight.subtract(1, ordering: .relaxed) }
        return result
    }

    private func ask(
        _ servers: [DNSUpstreamServer], from index: Int, query: [UInt8], on loop: any EventLoop
    ) -> EventLoopFuture<[UInt8]> {
        ask(servers[index], query: query, on: loop).flatMapError { error in
            self.logger.debug(
                "DNS upstream gave no reply", metadata: ["server": "\(servers[index])", "error": "\(error)"])
            guard index + 1 < servers.count else { return loop.makeFailedFuture(error) }
            return self.ask(servers, from: index + 1, query: query, on: loop)
        }
    }

    private func ask(_ server: DNSUpstreamServer, query: [UInt8], on loop: any EventLoop) -> EventLoopFuture<
        [UInt8]
    > {
        let id = UInt16.random(in: .min ... .max)
        let rewritten =
            [UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)] + query.dropFirst(2)
        let remote = SocketAddress(server.address, port: server.port, scopeID: server.scopeID)
        let promise = loop.makePromise(of: [UInt8].self)
        let bound = DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamReplyHandler(id: id, server: server, promise: promise))
                }
            }
            .bind(host: server.address.isIPv4 ? "0.0.0.0" : "::", port: 0)
        bound.whenFailure { promise.fail($0) }
        bound.whenSuccess { channel in
            let timer = loop.scheduleTask(in: self.timeout) { promise.fail(Failure.timeout(server)) }
            promise.futureResult.whenComplete { _ in
                timer.cancel()
                channel.close(promise: nil)
            }
            let envelope = AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: rewritten))
            channel.writeAndFlush(envelope).whenFailure { promise.fail($0) }
        }
        return promise.futureResult.map { reply in
            var restored = reply
            restored[0] = query[0]
            restored[1] = query[1]
            return restored
        }
    }
}

/// Waits on a forwarding socket for the one reply that answers the query sent from it.
private final class UpstreamReplyHandler: ChannelInboundHandler {
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
            bytes.count >= 12, bytes[bytes.startIndex + 2] & 0x80 != 0,
            UInt16(bytes[bytes.startIndex]) << 8 | UInt16(bytes[bytes.startIndex + 1]) == id
        else { return }
        promise.succeed(Array(bytes))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
    }
}
