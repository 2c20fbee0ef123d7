import SwiftProtobuf

/// An RPC of the cnm API together with its request and response types, so that a call such as
/// `client.call(CNMMethods.Network.createNetwork, request)` is type-checked.
public struct CNMRPC<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>: Sendable {
    /// The untyped description (path, streaming, side effects).
    public let method: CNMMethod

    /// Describes method `name` of `service` (fully qualified, e.g. `cnm.v1.NetworkService`).
    init(service: String, name: String, isStreaming: Bool = false, hasNoSideEffects: Bool = false) {
        self.method = CNMMethod(
            service: service,
            name: name,
            isStreaming: isStreaming,
            hasNoSideEffects: hasNoSideEffects,
            requestType: Request.self,
            responseType: Response.self
        )
    }

    /// The HTTP path of the method, e.g. `/cnm.v1.NetworkService/CreateNetwork`.
    public var path: String { method.path }
}
