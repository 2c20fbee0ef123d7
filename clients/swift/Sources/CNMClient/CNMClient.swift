import CNMAPI
import NIOCore
import NIOPosix
import SwiftProtobuf

/// The client for cnmd: one HTTP/2 connection (Unix socket, h2c or TLS) that all calls share,
/// opened at the first call and re-established by the next call after it broke.
///
/// Every method throws ``CNMError``: the server's Connect error (code, message, details), or
/// `unavailable` when cnmd cannot be reached, `deadline_exceeded` when the deadline passed, and
/// `canceled` when the calling task was cancelled.
///
/// ```swift
/// let client = try CNMClient(endpoint: .unix(path: "/run/cnm/cnmd.sock"))
/// var request = Cnm_V1_CreateNetworkRequest()
/// request.name = "web"
/// let network = try await client.createNetwork(request).network
/// await client.close()
/// ```
public final class CNMClient: Sendable {
    /// What the client was made with.
    public let configuration: CNMClientConfiguration
    private let transport: ConnectTransport

    /// - Parameters:
    ///   - configuration: endpoint, TLS files, codec, timeouts.
    ///   - eventLoopGroup: where the connection's I/O runs; NIO's shared group by default.
    /// - Throws: ``CNMError`` (`invalid_argument`) when the TLS files cannot be loaded.
    public init(
        configuration: CNMClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(CNMError) {
        self.configuration = configuration
        self.transport = try ConnectTransport(configuration: configuration, group: eventLoopGroup)
    }

    /// A client with the default configuration for `endpoint`.
    public convenience init(endpoint: CNMEndpoint = .default, tls: CNMTLSConfiguration = .init())
        throws(CNMError)
    {
        try self.init(configuration: CNMClientConfiguration(endpoint: endpoint, tls: tls))
    }

    /// Calls a unary method by its path, e.g. `/cnm.v1.NetworkService/CreateNetwork`.
    /// The typed methods (``createNetwork(_:options:)`` …) use this.
    public func unary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ path: String, _ request: Request, returning _: Response.Type = Response.self,
        options: CNMCallOptions = .default
    ) async throws(CNMError) -> Response {
        try await transport.unary(path: path, request: request, options: options)
    }

    /// Calls a server-streaming method by its path. The stream ends when the server ends it,
    /// fails with a ``CNMError``, and cancels the call when the consumer stops iterating.
    public func serverStream<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ path: String, _ request: Request, returning _: Response.Type = Response.self,
        options: CNMCallOptions = .default
    ) -> AsyncThrowingStream<Response, any Error> {
        transport.serverStream(path: path, request: request, options: options)
    }

    /// Calls a unary RPC of the ``CNMMethods`` table, e.g.
    /// `client.call(CNMMethods.Network.getNetwork, request)`.
    public func call<Request, Response>(
        _ rpc: CNMRPC<Request, Response>, _ request: Request, options: CNMCallOptions = .default
    ) async throws(CNMError) -> Response {
        try await transport.unary(path: rpc.path, request: request, options: options)
    }

    /// Calls a server-streaming RPC of the ``CNMMethods`` table.
    public func stream<Request, Response>(
        _ rpc: CNMRPC<Request, Response>, _ request: Request, options: CNMCallOptions = .default
    ) -> AsyncThrowingStream<Response, any Error> {
        transport.serverStream(path: rpc.path, request: request, options: options)
    }

    /// Closes the connection; calls in flight fail with `unavailable`, later calls with `canceled`.
    public func close() async {
        await transport.connection.close()
    }
}
