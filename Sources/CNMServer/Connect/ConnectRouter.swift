import SwiftProtobuf

/// The table of procedures a server answers, each with a typed handler.
///
/// Service bindings register their methods here; the server looks a request's path up in it.
/// Handlers run as Swift tasks (never on an event loop) and may read
/// ``ConnectRequestContext/current``; only the handlers of ``synchronousUnary(_:noSideEffects:_:)``,
/// which can neither wait nor block, run on the event loop.
///
/// ```swift
/// var router = ConnectRouter()
/// router.unary("/cnm.v1.SystemService/Health", noSideEffects: true) {
///     (request: Cnm_V1_HealthRequest) in Cnm_V1_HealthResponse.with { $0.status = "SERVING" }
/// }
/// ```
public struct ConnectRouter: Sendable {
    private var methods: [String: ConnectMethod] = [:]

    /// Creates an empty router.
    public init() {}

    /// The registered procedure paths, sorted.
    public var procedures: [String] { self.methods.keys.sorted() }

    /// Registers a unary method.
    ///
    /// - Parameters:
    ///   - procedure: the path, `/pkg.Service/Method`.
    ///   - noSideEffects: true if the method is marked `NO_SIDE_EFFECTS`; such methods also
    ///     answer Connect GET requests, and answer a response equal to their last one with the
    ///     bytes already encoded (``EncodedResponseMemo``).
    ///   - handler: turns a request into a response; throws ``ConnectError`` or a
    ///     ``ConnectErrorConvertible`` to choose the error code.
    public mutating func unary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ procedure: String,
        noSideEffects: Bool = false,
        _ handler: @escaping @Sendable (Request) async throws -> Response
    ) {
        let memo = noSideEffects ? EncodedResponseMemo<Response>() : nil
        self.add(
            ConnectMethod(
                procedure: procedure, noSideEffects: noSideEffects,
                implementation: .unary { bytes, codec in
                    let request = try codec.decode(Request.self, from: bytes)
                    let response = try await handler(request)
                    return try memo?.encode(response, with: codec) ?? codec.encode(response)
                }))
    }

    /// Registers a unary method whose handler is synchronous and cheap: it never blocks, never
    /// waits, and touches no kernel, store or controller state (health, version). It runs on the
    /// connection's event loop while the request is read, without a Swift task, so its answer
    /// leaves in the same write as the other answers of that read. A deadline from
    /// `connect-timeout-ms` cannot pass while it runs and is not checked.
    ///
    /// - Parameters:
    ///   - procedure: the path, `/pkg.Service/Method`.
    ///   - noSideEffects: true if the method is marked `NO_SIDE_EFFECTS` (it then answers GET
    ///     and reuses the encoding of a response equal to its last one).
    ///   - handler: turns a request into a response; throws ``ConnectError`` or a
    ///     ``ConnectErrorConvertible`` to choose the error code.
    public mutating func synchronousUnary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ procedure: String,
        noSideEffects: Bool = false,
        _ handler: @escaping @Sendable (Request) throws -> Response
    ) {
        let memo = noSideEffects ? EncodedResponseMemo<Response>() : nil
        self.add(
            ConnectMethod(
                procedure: procedure, noSideEffects: noSideEffects,
                implementation: .synchronousUnary { bytes, codec in
                    let request = try codec.decode(Request.self, from: bytes)
                    let response = try handler(request)
                    return try memo?.encode(response, with: codec) ?? codec.encode(response)
                }))
    }

    /// Registers a server-streaming method.
    ///
    /// - Parameters:
    ///   - procedure: the path, `/pkg.Service/Method`.
    ///   - handler: sends any number of responses through the stream, then returns (the stream
    ///     ends successfully) or throws (the stream ends with that error).
    public mutating func serverStreaming<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ procedure: String,
        _ handler: @escaping @Sendable (Request, ConnectServerStream<Response>) async throws -> Void
    ) {
        self.add(
            ConnectMethod(
                procedure: procedure, noSideEffects: false,
                implementation: .serverStreaming { bytes, codec, sink in
                    let request = try codec.decode(Request.self, from: bytes)
                    try await handler(request, ConnectServerStream(codec: codec, sink: sink))
                }))
    }

    func method(for procedure: String) -> ConnectMethod? {
        self.methods[procedure]
    }

    private mutating func add(_ method: ConnectMethod) {
        precondition(
            method.procedure.hasPrefix("/") && method.procedure.dropFirst().contains("/"),
            "a procedure is /pkg.Service/Method, not \(method.procedure)")
        precondition(self.methods[method.procedure] == nil, "\(method.procedure) is registered twice")
        self.methods[method.procedure] = method
    }
}
