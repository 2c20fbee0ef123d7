import CNMAPI
import CNMClient
import Synchronization

/// Calls RPCs of the ``CNMMethods`` table through a ``CNMClient`` and remembers which, so a
/// test can show that it went through every method of the API.
final class RPCRecorder: Sendable {
    let client: CNMClient
    private let paths = Mutex<Set<String>>([])

    init(_ client: CNMClient) { self.client = client }

    /// The paths of the RPCs called so far.
    var called: Set<String> { paths.withLock { $0 } }

    /// Calls a unary RPC.
    func callAsFunction<Request, Response>(_ rpc: CNMRPC<Request, Response>, _ request: Request)
        async throws(CNMError) -> Response
    {
        paths.withLock { _ = $0.insert(rpc.path) }
        return try await client.call(rpc, request)
    }

    /// Opens a server stream.
    func stream<Request, Response>(
        _ rpc: CNMRPC<Request, Response>, _ request: Request, options: CNMCallOptions = .default
    ) -> AsyncThrowingStream<Response, any Error> {
        paths.withLock { _ = $0.insert(rpc.path) }
        return client.stream(rpc, request, options: options)
    }
}
