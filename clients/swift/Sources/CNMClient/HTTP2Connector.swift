import NIOCore
import NIOHTTP2
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opens HTTP/2 connections to one endpoint: a Unix socket or TCP with prior knowledge, or TLS
/// with ALPN `h2`.
struct HTTP2Connector: Sendable {
    let endpoint: CNMEndpoint
    let connectTimeout: Duration
    let group: any EventLoopGroup
    private let sslContext: NIOSSLContext?
    private let serverName: String?

    /// Loads the TLS material up front, so that a missing or bad file is reported when the
    /// client is made rather than at its first call.
    init(configuration: CNMClientConfiguration, group: any EventLoopGroup) throws(CNMError) {
        self.endpoint = configuration.endpoint
        self.connectTimeout = configuration.connectTimeout
        self.group = group
        guard case .tls(let host, _) = configuration.endpoint else {
            self.sslContext = nil
            self.serverName = nil
            return
        }
        self.sslContext = try Self.makeSSLContext(configuration.tls)
        let name = configuration.tls.serverName ?? host
        // SNI carries names only; an IP literal is verified against the certificate's IP SANs.
        self.serverName = (try? SocketAddress(ipAddress: name, port: 0)) == nil ? name : nil
    }

    /// Connects and, for TLS, waits until the handshake has agreed on `h2`.
    func connect() async throws -> HTTP2Connection {
        let bootstrap = ClientBootstrap(group: group).connectTimeout(TimeAmount(connectTimeout))
        let initializer:
            @Sendable (any Channel) -> EventLoopFuture<(HTTP2Connection, EventLoopFuture<Void>?)> = {
                [sslContext, serverName, connectTimeout] channel in
                channel.eventLoop.makeCompletedFuture {
                    try Self.configure(
                        channel, sslContext: sslContext, serverName: serverName,
                        handshakeTimeout: connectTimeout)
                }
            }
        let (connection, handshake) =
            switch endpoint {
            case .unix(let path):
                try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
            case .h2c(let host, let port), .tls(let host, let port):
                try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
            }
        if let handshake {
            do {
                try await handshake.get()
            } catch {
                await connection.close()
                throw error
            }
        }
        return connection
    }

    private static func configure(
        _ channel: any Channel, sslContext: NIOSSLContext?, serverName: String?, handshakeTimeout: Duration
    ) throws -> (HTTP2Connection, EventLoopFuture<Void>?) {
        let pipeline = channel.pipeline.syncOperations
        var handshake: EventLoopFuture<Void>?
        if let sslContext {
            let promise = channel.eventLoop.makePromise(of: Void.self)
            try pipeline.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
            try pipeline.addHandler(TLSHandshakeWaiter(promise: promise))
            let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(handshakeTimeout)) {
                promise.fail(
                    CNMError(.unavailable, "the TLS handshake did not finish within \(handshakeTimeout)"))
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in timeout.cancel() }
            handshake = promise.futureResult
        }
        let multiplexer = try pipeline.configureAsyncHTTP2Pipeline(mode: .client) { stream in
            // cnmd never opens streams towards a client; refuse any it might.
            stream.close()
        }
        let monitor = ConnectionMonitor()
        try pipeline.addHandler(monitor)
        let connection = HTTP2Connection(channel: channel, multiplexer: multiplexer, monitor: monitor)
        return (connection, handshake)
    }

    private static func makeSSLContext(_ tls: CNMTLSConfiguration) throws(CNMError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = ["h2"]
        do {
            if let caFile = tls.caFile {
                configuration.trustRoots = .certificates(
                    try load("CA file", caFile) { try NIOSSLCertificate.fromPEMFile($0) })
            }
            switch (tls.certificateFile, tls.keyFile) {
            case (let certificateFile?, let keyFile?):
                let chain = try load("client certificate", certificateFile) {
                    try NIOSSLCertificate.fromPEMFile($0)
                }
                configuration.certificateChain = chain.map { .certificate($0) }
                let key = try load("client key", keyFile) { try NIOSSLPrivateKey(file: $0, format: .pem) }
                configuration.privateKey = .privateKey(key)
            case (nil, nil):
                break
            case (_?, nil):
                throw CNMError(.invalidArgument, "a client certificate needs its key (--tls-key)")
            case (nil, _?):
                throw CNMError(.invalidArgument, "a client key needs its certificate (--tls-cert)")
            }
            return try NIOSSLContext(configuration: configuration)
        } catch let error as CNMError {
            throw error
        } catch {
            throw CNMError(.invalidArgument, "cannot set up TLS: \(error)")
        }
    }

    private static func load<T>(_ what: String, _ path: String, _ read: (String) throws -> T) throws(CNMError)
        -> T
    {
        // NIOSSL says only "failedToLoadCertificate" for a missing or unreadable file.
        if access(path, R_OK) != 0 {
            throw CNMError(
                .invalidArgument, "cannot read the TLS \(what) \(path): \(String(cString: strerror(errno)))")
        }
        do {
            return try read(path)
        } catch {
            throw CNMError(.invalidArgument, "cannot read the TLS \(what) \(path): \(error)")
        }
    }
}

extension TimeAmount {
    /// The same span in NIO's unit (nanoseconds, saturating).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(
            overflow ? .max : whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}
