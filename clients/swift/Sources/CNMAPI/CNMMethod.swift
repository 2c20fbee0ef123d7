import SwiftProtobuf

/// One RPC of the cnm API, described without its message types being known at compile time:
/// the server routes on ``path`` and decodes with ``requestType``; the client checks
/// ``isStreaming`` and ``hasNoSideEffects`` (which allows Connect GET requests).
///
/// The complete list is ``CNMMethods/all``; a test checks it against `proto-json/cnm/v1/*.proto`.
public struct CNMMethod: Sendable {
    /// Fully qualified service name, e.g. `cnm.v1.NetworkService`.
    public let service: String
    /// Method name, e.g. `CreateNetwork`.
    public let name: String
    /// True for server-streaming methods (`WatchEvents`).
    public let isStreaming: Bool
    /// True when the method is declared `idempotency_level = NO_SIDE_EFFECTS`.
    public let hasNoSideEffects: Bool
    /// The generated type of the request message, e.g. `Cnm_V1_CreateNetworkRequest.self`.
    public let requestType: any SwiftProtobuf.Message.Type
    /// The generated type of the response message (of each stream message when streaming).
    public let responseType: any SwiftProtobuf.Message.Type

    /// Creates a method description; the table in ``CNMMethods`` is the only caller.
    init(
        service: String,
        name: String,
        isStreaming: Bool,
        hasNoSideEffects: Bool,
        requestType: any SwiftProtobuf.Message.Type,
        responseType: any SwiftProtobuf.Message.Type
    ) {
        self.service = service
        self.name = name
        self.isStreaming = isStreaming
        self.hasNoSideEffects = hasNoSideEffects
        self.requestType = requestType
        self.responseType = responseType
    }

    /// The HTTP path of the method, e.g. `/cnm.v1.NetworkService/CreateNetwork`.
    public var path: String { "/\(service)/\(name)" }
}

extension CNMMethod: Hashable {
    /// Two descriptions are equal when every property, message types included, is equal.
    public static func == (lhs: CNMMethod, rhs: CNMMethod) -> Bool {
        lhs.service == rhs.service && lhs.name == rhs.name && lhs.isStreaming == rhs.isStreaming
            && lhs.hasNoSideEffects == rhs.hasNoSideEffects
            && ObjectIdentifier(lhs.requestType) == ObjectIdentifier(rhs.requestType)
            && ObjectIdentifier(lhs.responseType) == ObjectIdentifier(rhs.responseType)
    }

    /// Hashes the path, which is unique per method.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
    }
}

extension CNMMethod: CustomStringConvertible {
    /// The path, e.g. `/cnm.v1.SystemService/WatchEvents`.
    public var description: String { path }
}
