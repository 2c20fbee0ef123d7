import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The embedded resolver: serves DNS over UDP and TCP on the gateway addresses of the networks that
/// have embedded DNS, answering from a `DNSRecordSource` and forwarding the rest upstream.
///
/// Listeners come and go with networks (`start(addresses:)`, `stop(addresses:)`); the record source
/// is asked on every query, so a connect or disconnect is visible at once without touching
/// listeners. Sockets are bound with IP_FREEBIND, so a listener may start before its gateway
/// address is on the bridge. Queries are answered on NIO's event loops; this actor only
/// serialises the listener changes.
public actor DNSServer {
    /// How the server listens, answers and forwards.
    public struct Configuration: Sendable {
        /// The port every listener uses (UDP and TCP alike). 0 picks a free port per address,
        /// the same for UDP and TCP: for tests.
        public var port: Int
        /// Where names the record source does not own go.
        public var upstream: DNSUpstream
        /// How long one upstream server gets to answer before the next is tried (after the last,
        /// SERVFAIL).
        public var upstreamTimeout: Duration
        /// The TTL of every local answer.
        public var ttl: UInt32
        /// Forwards in flight at most; beyond, a query gets SERVFAIL at once.
        public var maxConcurrentForwards: Int
        /// How long a TCP connection may stay silent before it is closed.
        public var tcpIdleTimeout: Duration

        public init(
            port: Int = 53, upstream: DNSUpstream = .host, upstreamTimeout: Duration = .seconds(2),
            ttl: UInt32 = 600, maxConcurrentForwards: Int = 1024, tcpIdleTimeout: Duration = .seconds(10)
        ) {
            self.port = port
            self.upstream = upstream
            self.upstreamTimeout = upstreamTimeout
            self.ttl = ttl
            self.maxConcurrentForwards = maxConcurrentForwards
            self.tcpIdleTimeout = tcpIdleTimeout
        }
    }

    /// One address the server listens on, over UDP and TCP, and its port.
    public struct Listener: Hashable, Sendable {
        public var address: DNSAddress
        public var port: Int

        public init(address: DNSAddress, port: Int) {
            self.address = address
            self.port = port
        }
    }

    /// The two sockets behind one listener.
    private struct Sockets {
        var port: Int
        var udp: any Channel
        var tcp: any Channel
    }

    private let configuration: Configuration
    private let service: DNSQueryService
    private let logger: Logger
    private var sockets: [DNSAddress: Sockets] = [:]
    /// Listener changes run one at a time; these wait for their turn.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// A server with no listeners yet; `logger` gets listener changes, upstream trouble and, at
    /// trace level, every answer.
    public init(
        source: any DNSRecordSource, configuration: Configuration = .init(),
        logger: Logger = Logger(label: "cnm.dns")
    ) {
        self.configuration = configuration
        self.logger = logger
        let forwarder = UpstreamForwarder(
            upstream: configuration.upstream, timeout: configuration.upstreamTimeout,
            maxInFlight: configuration.maxConcurrentForwards, logger: logger)
        let responder = DNSResponder(source: source, ttl: configuration.ttl, forwards: forwarder != nil)
        self.service = DNSQueryService(responder: responder, forwarder: forwarder, logger: logger)
    }

    /// The addresses served now, with their ports.
    public var listeners: [Listener] {
        sockets.map { Listener(address: $0.key, port: $0.value.port) }
    }

    /// Starts listening on every address not served yet and returns the listeners of all
    /// `addresses`. If one cannot be bound, those started by this call are closed again.
    @discardableResult
    public func start(addresses: [DNSAddress]) async throws(DNSServerError) -> [Listener] {
        await acquire()
        defer { release() }
        var started: [DNSAddress] = []
        var result: [Listener] = []
        for address in addresses {
            if let existing = sockets[address] {
                if !result.contains(where: { $0.address == address }) {
                    result.append(Listener(address: address, port: existing.port))
                }
                continue
            }
            do {
                let bound = try await bind(address)
                sockets[address] = bound
                started.append(address)
                result.append(Listener(address: address, port: bound.port))
                logger.info("DNS listening", metadata: ["address": "\(address)", "port": "\(bound.port)"])
            } catch {
                for address in started { await close(address) }
                throw error
            }
        }
        return result
    }

    /// Stops listening on `addresses`; addresses not served are ignored.
    public func stop(addresses: [DNSAddress]) async {
        await acquire()
        defer { release() }
        for address in addresses { await close(address) }
    }

    /// Stops every listener.
    public func stop() async {
        await acquire()
        defer { release() }
        for address in Array(sockets.keys) { await close(address) }
    }

    private func close(_ address: DNSAddress) async {
        guard let bound = sockets.removeValue(forKey: address) else { return }
        try? await bound.udp.close()
        try? await bound.tcp.close()
        logger.info("DNS stopped listening", metadata: ["address": "\(address)", "port": "\(bound.port)"])
    }

    private func acquire() async {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
    }

    /// Hands the turn to the next waiter, or frees it.
    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Binds UDP then TCP on the same port; with port 0 the TCP side retries on a fresh port when
    /// the one UDP got is taken for TCP.
    private nonisolated func bind(_ address: DNSAddress) async throws(DNSServerError) -> Sockets {
        let attempts = configuration.port == 0 ? 8 : 1
        var attempt = 1
        while true {
            let udp = try await bindUDP(address, port: configuration.port)
            let port = udp.localAddress?.port ?? configuration.port
            do {
                let tcp = try await bindTCP(address, port: port)
                return Sockets(port: port, udp: udp, tcp: tcp)
            } catch {
                try? await udp.close()
                guard attempt < attempts else { throw error }
                attempt += 1
            }
        }
    }

    private nonisolated func bindUDP(_ address: DNSAddress, port: Int) async throws(DNSServerError)
        -> any Channel
    {
        let service = self.service
        let logger = self.logger
        do {
            return try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(Self.freeBind(for: address), value: 1)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 4096))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            DNSDatagramHandler(service: service, logger: logger))
                    }
                }
                .bind(to: SocketAddress(address, port: port))
                .get()
        } catch {
            throw .bindFailed(address: address, port: port, transport: "udp", reason: "\(error)")
        }
    }

    private nonisolated func bindTCP(_ address: DNSAddress, port: Int) async throws(DNSServerError)
        -> any Channel
    {
        let service = self.service
        let logger = self.logger
        let idle = TimeAmount(configuration.tcpIdleTimeout)
        do {
            return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(Self.freeBind(for: address), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleStateHandler(readTimeout: idle))
                        try pipeline.addHandler(ByteToMessageHandler(DNSStreamFrameDecoder()))
                        try pipeline.addHandler(DNSStreamHandler(service: service, logger: logger))
                    }
                }
                .bind(to: SocketAddress(address, port: port))
                .get()
        } catch {
            throw .bindFailed(address: address, port: port, transport: "tcp", reason: "\(error)")
        }
    }

    /// IP_FREEBIND (IPv4) or IPV6_FREEBIND: bind an address the host does not have yet.
    private static func freeBind(for address: DNSAddress) -> ChannelOptions.Types.SocketOption {
        // IPV6_FREEBIND (Linux 4.15+) is 78; not every libc header names it.
        address.isIPv4
            ? ChannelOptions.Types.SocketOption(
                level: NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_IP)),
                name: NIOBSDSocket.Option(rawValue: CInt(IP_FREEBIND)))
            : ChannelOptions.Types.SocketOption(
                level: NIOBSDSocket.OptionLevel(rawValue: CInt(IPPROTO_IPV6)),
                name: NIOBSDSocket.Option(rawValue: 78))
    }
}
