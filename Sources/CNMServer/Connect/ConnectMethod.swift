/// One registered procedure with its handler, with the message types erased so that the router
/// can hold every method in one table. Built by ``ConnectRouter``.
struct ConnectMethod: Sendable {
    /// Writes one encoded response message of a stream.
    typealias MessageSink = @Sendable ([UInt8]) async throws -> Void

    /// The handler, taking and giving encoded messages.
    enum Implementation: Sendable {
        case unary(@Sendable (_ request: [UInt8], _ codec: ConnectCodec) async throws -> [UInt8])
        /// A unary handler that neither waits nor blocks: it runs on the connection's event loop.
        case synchronousUnary(@Sendable (_ request: [UInt8], _ codec: ConnectCodec) throws -> [UInt8])
        case serverStreaming(
            @Sendable (_ request: [UInt8], _ codec: ConnectCodec, _ sink: @escaping MessageSink) async throws
                -> Void)
    }

    /// The path, `/pkg.Service/Method`.
    var procedure: String
    /// True for methods marked `idempotency_level = NO_SIDE_EFFECTS`: they also answer GET.
    var noSideEffects: Bool
    var implementation: Implementation

    /// True for methods registered with ``ConnectRouter/synchronousUnary(_:noSideEffects:_:)``.
    var isSynchronous: Bool {
        if case .synchronousUnary = self.implementation { return true }
        return false
    }

    var isStreaming: Bool {
        if case .serverStreaming = self.implementation { return true }
        return false
    }
}
