import CNMServer
import Foundation
import Logging

/// How a test reaches the server: Unix socket or TCP, HTTP/2 (prior knowledge) or HTTP/1.1.
enum Transport: String, CaseIterable, CustomStringConvertible, Sendable {
    case unixHTTP2 = "unix socket, HTTP/2"
    case unixHTTP1 = "unix socket, HTTP/1.1"
    case tcpHTTP2 = "h2c TCP, HTTP/2"
    case tcpHTTP1 = "h2c TCP, HTTP/1.1"

    var description: String { self.rawValue }

    var usesUnixSocket: Bool { self == .unixHTTP2 || self == .unixHTTP1 }
    var isHTTP2: Bool { self == .unixHTTP2 || self == .tcpHTTP2 }
}

/// A running ``ConnectServer`` on a temporary socket or a loopback port, with a curl that
/// reaches it.
struct TestServer {
    let server: ConnectServer
    let curl: Curl
    let directory: TemporaryDirectory
    let socketPath: String

    static let logger: Logger = {
        var logger = Logger(label: "cnm.server.test")
        logger.logLevel = .warning
        return logger
    }()

    /// Starts a server for `router` reachable through `transport`.
    static func start(_ transport: Transport, router: ConnectRouter = EchoService.router()) async throws
        -> TestServer
    {
        let directory = try TemporaryDirectory()
        let socketPath = directory.file("run/cnmd.sock")
        let server = ConnectServer(router: router, logger: Self.logger)
        let listener: Listener =
            transport.usesUnixSocket
            ? .unixSocket(socketPath) : .h2c(HostAndPort(host: "127.0.0.1", port: 0))
        let bound = try await server.start([listener])
        let protocolArgument = transport.isHTTP2 ? "--http2-prior-knowledge" : "--http1.1"
        let curl =
            transport.usesUnixSocket
            ? Curl(
                connectArguments: ["--unix-socket", socketPath, protocolArgument], baseURL: "http://localhost"
            )
            : Curl(connectArguments: [protocolArgument], baseURL: "http://127.0.0.1:\(bound[0].port ?? 0)")
        return TestServer(server: server, curl: curl, directory: directory, socketPath: socketPath)
    }

    /// Runs `body` against a fresh server and shuts the server down afterwards.
    static func with(
        _ transport: Transport, router: ConnectRouter = EchoService.router(),
        _ body: (TestServer) async throws -> Void
    ) async throws {
        let server = try await Self.start(transport, router: router)
        do {
            try await body(server)
        } catch {
            await server.server.shutdown()
            throw error
        }
        await server.server.shutdown()
    }
}
