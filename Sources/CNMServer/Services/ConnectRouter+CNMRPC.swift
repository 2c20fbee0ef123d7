import CNMAPI
import SwiftProtobuf

extension ConnectRouter {
    /// Registers a unary method of the cnm API; path and `NO_SIDE_EFFECTS` come from the
    /// shared method table (`CNMMethods`), so server and clients cannot disagree on them.
    public mutating func unary<Request, Response>(
        _ rpc: CNMRPC<Request, Response>, _ handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        precondition(!rpc.method.isStreaming, "\(rpc.path) is a streaming method")
        self.unary(rpc.path, noSideEffects: rpc.method.hasNoSideEffects, handler)
    }

    /// Registers a unary method of the cnm API whose handler is synchronous and cheap; see
    /// ``ConnectRouter/synchronousUnary(_:noSideEffects:_:)`` for what it may do.
    public mutating func synchronousUnary<Request, Response>(
        _ rpc: CNMRPC<Request, Response>, _ handler: @escaping @Sendable (Request) throws -> Response
    ) {
        precondition(!rpc.method.isStreaming, "\(rpc.path) is a streaming method")
        self.synchronousUnary(rpc.path, noSideEffects: rpc.method.hasNoSideEffects, handler)
    }

    /// Registers a server-streaming method of the cnm API.
    public mutating func serverStreaming<Request, Response>(
        _ rpc: CNMRPC<Request, Response>,
        _ handler: @escaping @Sendable (Request, ConnectServerStream<Response>) async throws -> Void
    ) {
        precondition(rpc.method.isStreaming, "\(rpc.path) is a unary method")
        self.serverStreaming(rpc.path, handler)
    }
}
