import Logging
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import Synchronization

/// The Connect server: serves the procedures of a ``ConnectRouter`` on a set of listeners.
///
/// ```swift
/// let server = ConnectServer(router: router, logger: logger)
/// let bound = try await server.start([.unixSocket("/run/cnm/cnmd.sock", group: "cnm")])
/// // … until SIGTERM:
/// await server.shutdown()
/// ```
///
/// Every listener answers HTTP/2 (h2c with prior knowledge, or ALPN `h2` over TLS) and
/// HTTP/1.1 on the same socket. Handlers run as Swift tasks, never on an event loop, except
/// the synchronous ones of ``ConnectRouter/synchronousUnary(_:noSideEffects:_:)`` (health,
/// version), which cannot block or wait.
public final class ConnectServer: Sendable {
    /// A listener that is accepting connections.
    public struct BoundListener: Sendable, CustomStringConvertible {
        /// The listener as configured.
        public var listener: Listener
        /// The address actually bound (with the kernel's port when 0 was asked for).
        public var localAddress: SocketAddress?

        /// The TCP port bound, or nil for a Unix socket.
        public var port: Int? { self.localAddress?.port }

        public var description: String {
            let address =
                self.localAddress.flatMap { address in
                    address.ipAddress.map { HostAndPort(host: $0, port: address.port ?? 0).description }
                } ?? "?"
            switch self.listener.kind {
            case .unix: return self.listener.description
            case .h2c: return "h2c://\(address)"
            case .tls: return "https://\(address)"
            }
        }
    }

    private struct Running: Sendable {
        var channel: any Channel
        var quiescing: ServerQuiescingHelper
        var socketPath: String?
    }

    private enum Phase {
        case idle
        case serving([Running])
        case stopped
    }

    private let configurator: ConnectionConfigurator
    private let group: any EventLoopGroup
    private let calls = ActiveCalls()
    private let logger: Logger
    private let phase = Mutex(Phase.idle)
    private let accepted = AcceptedConnections()

    /// Creates a server for `router`; nothing listens until ``start(_:)``.
    ///
    /// - Parameters:
    ///   - router: the procedures to serve.
    ///   - limits: sizes and timeouts applied to every connection.
    ///   - group: the event loops for the sockets; the process-wide singleton by default.
    ///   - logger: where connection and call events are logged.
    public init(
        router: ConnectRouter, limits: ServerLimits = ServerLimits(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) {
        self.group = group
        self.logger = logger
        self.configurator = ConnectionConfigurator(
            router: router, limits: limits, calls: self.calls, logger: logger)
    }

    /// Checks, before anything else starts, that `path` is free for a Unix socket listener:
    /// creates its directory and removes a stale socket; throws
    /// ``ServerError/anotherServerRunning(path:)`` when a live server answers there.
    /// ``start(_:)`` does the same; cnmd calls this first so that a second cnmd stops before it
    /// touches the kernel.
    public static func claimUnixSocket(
        _ path: String, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws {
        try await UnixSocketFile.prepare(path, group: group)
    }

    /// The number of calls running now.
    public var activeCalls: Int { self.calls.count }

    /// The number of connections accepted since the start, on all listeners.
    public var connectionsAccepted: Int { self.accepted.count.withLock { $0 } }

    /// Binds every listener and starts accepting. If one fails, those already bound are
    /// closed again and the error is thrown (a ``ServerError`` or the socket's error).
    @discardableResult
    public func start(_ listeners: [Listener]) async throws -> [BoundListener] {
        try self.phase.withLock { phase in
            guard case .idle = phase else { throw ServerError.alreadyStarted }
            phase = .serving([])
        }
        var running: [Running] = []
        var bound: [BoundListener] = []
        do {
            for listener in listeners {
                let started = try await self.bind(listener)
                running.append(started)
                // A Unix socket's channel reports the staging path it was bound at; the listener's
                // address is where it was published.
                let address =
                    started.socketPath.flatMap { try? SocketAddress(unixDomainSocketPath: $0) }
                    ?? started.channel.localAddress
                bound.append(BoundListener(listener: listener, localAddress: address))
                self.logger.info("listening", metadata: ["address": "\(bound.last!)"])
            }
        } catch {
            for started in running {
                try? await started.channel.close()
                if let path = started.socketPath { UnixSocketFile.remove(path) }
            }
            self.phase.withLock { $0 = .idle }
            throw error
        }
        self.phase.withLock { $0 = .serving(running) }
        return bound
    }

    /// Stops gracefully: stops accepting, asks every connection to finish (HTTP/2 GOAWAY;
    /// HTTP/1.1 closes after the response in flight), ends server streams with `unavailable`
    /// semantics by cancelling them, waits for every call to return, then removes the Unix
    /// socket files. Calling it again does nothing.
    public func shutdown() async {
        let running: [Running] = self.phase.withLock { phase in
            guard case .serving(let running) = phase else {
                phase = .stopped
                return []
            }
            phase = .stopped
            return running
        }
        guard !running.isEmpty else { return }
        self.logger.info("shutting down", metadata: ["calls": "\(self.calls.count)"])
        let closed = running.map { started in
            let promise = started.channel.eventLoop.makePromise(of: Void.self)
            started.quiescing.initiateShutdown(promise: promise)
            return promise.futureResult
        }
        await self.calls.drain()
        for future in closed {
            try? await future.get()
        }
        for started in running {
            if let path = started.socketPath { UnixSocketFile.remove(path) }
        }
        self.logger.info("stopped")
    }

    private func bind(_ listener: Listener) async throws -> Running {
        let quiescing = ServerQuiescingHelper(group: self.group)
        switch listener.kind {
        case .unix(let path, let groupName):
            // Bound in a private staging directory and linked to `path` once its mode and group
            // are set, so that it never appears there with a wider mode (see UnixSocketFile).
            try await UnixSocketFile.prepare(path, group: self.group)
            let staging = try UnixSocketFile.makeStaging(for: path)
            defer { UnixSocketFile.removeStaging(staging.directory) }
            let channel = try await self.bootstrap(quiescing: quiescing, tls: nil)
                .bind(unixDomainSocketPath: staging.socketPath).get()
            do {
                try UnixSocketFile.secure(staging.socketPath, groupName: groupName)
                try UnixSocketFile.publish(staging.socketPath, at: path)
            } catch {
                try? await channel.close()
                throw error
            }
            return Running(channel: channel, quiescing: quiescing, socketPath: path)

        case .h2c(let address, let allowNonLoopback):
            let socketAddress = try Self.resolve(address)
            if !allowNonLoopback, !Self.isLoopback(socketAddress) {
                throw ServerError.cleartextOnNonLoopback(address: address.description)
            }
            let channel = try await self.bootstrap(quiescing: quiescing, tls: nil).bind(to: socketAddress)
                .get()
            return Running(channel: channel, quiescing: quiescing, socketPath: nil)

        case .tls(let address, let files):
            let context = try Self.makeTLSContext(files)
            let socketAddress = try Self.resolve(address)
            let channel = try await self.bootstrap(quiescing: quiescing, tls: context).bind(to: socketAddress)
                .get()
            return Running(channel: channel, quiescing: quiescing, socketPath: nil)
        }
    }

    private func bootstrap(quiescing: ServerQuiescingHelper, tls: NIOSSLContext?) -> ServerBootstrap {
        let configurator = self.configurator
        let accepted = self.accepted
        return ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelInitializer { channel in
                accepted.count.withLock { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try configurator.configure(channel, tls: tls)
                }
            }
            .childChannelOption(.allowRemoteHalfClosure, value: false)
    }

    /// A numeric address is taken as it is; a name goes through the resolver.
    private static func resolve(_ address: HostAndPort) throws -> SocketAddress {
        if let numeric = try? SocketAddress(ipAddress: address.host, port: address.port) {
            return numeric
        }
        do {
            return try SocketAddress.makeAddressResolvingHost(address.host, port: address.port)
        } catch {
            throw ServerError.invalidAddress(address.description, reason: "\(error)")
        }
    }

    /// True for 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104, judged by the address bytes.
    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            return UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 24 == 127
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            let isIPv6Loopback = bytes[0..<15].allSatisfy { $0 == 0 } && bytes[15] == 1
            let isMappedLoopback =
                bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
                && bytes[12] == 127
            return isIPv6Loopback || isMappedLoopback
        case .unixDomainSocket:
            return true
        }
    }

    private static func makeTLSContext(_ files: Listener.TLSFiles) throws -> NIOSSLContext {
        func load<T>(_ file: String, _ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch {
                throw ServerError.tlsConfiguration(file: file, reason: "\(error)")
            }
        }
        let chain = try load(files.certificateChain) {
            try NIOSSLCertificate.fromPEMFile(files.certificateChain)
        }
        let key = try load(files.privateKey) { try NIOSSLPrivateKey(file: files.privateKey, format: .pem) }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["h2", "http/1.1"]
        if let clientCA = files.clientCA {
            let roots = try load(clientCA) { try NIOSSLCertificate.fromPEMFile(clientCA) }
            configuration.trustRoots = .certificates(roots)
            // Servers have no host name to check; the chain to the CA is what is verified.
            configuration.certificateVerification = .noHostnameVerification
        }
        return try load(files.certificateChain) { try NIOSSLContext(configuration: configuration) }
    }
}

/// Counts accepted connections; a class so that the bootstrap's initializer can share it.
private final class AcceptedConnections: Sendable {
    let count = Mutex(0)
}
