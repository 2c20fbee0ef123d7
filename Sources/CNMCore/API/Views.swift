import Foundation

/// A network as the API shows it. Addresses are text (CIDRs; gateways plain).
public struct NetworkInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var driver: String
    public var scope: String
    public var ipamDriver: String
    public var ipam: [IPAMConfigInfo]
    public var isInternal: Bool
    public var enableIPv6: Bool
    public var labels: [String: String]
    public var options: [String: String]
    public var predefined: Bool
    public var createdAt: Date
    public var endpoints: [EndpointSummary]
}

/// An allocated IPAM block of a network.
public struct IPAMConfigInfo: Sendable, Equatable {
    public var subnet: String
    public var ipRange: String
    public var gateway: String
    public var auxAddresses: [String: String]
}

/// An endpoint as listed inside its network.
public struct EndpointSummary: Sendable, Equatable {
    public var id: String
    public var name: String
    public var sandboxID: String
    public var sandboxName: String
    public var ipv4Address: String
    public var ipv6Address: String
    public var macAddress: String
}

/// An endpoint as the API shows it.
public struct EndpointInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var networkID: String
    public var networkName: String
    /// Empty when not joined.
    public var sandboxID: String
    public var sandboxName: String
    public var ipv4Address: String
    public var ipv6Address: String
    public var macAddress: String
    public var gateway: String
    public var gatewayIPv6: String
    public var aliases: [String]
    /// Legacy links `name[:alias]`.
    public var links: [String]
    public var interfaceName: String
    public var hostInterfaceName: String
    public var portBindings: [PortBindingSpec]
}

/// A sandbox as the API shows it.
public struct SandboxInfo: Sendable, Equatable {
    public var id: String
    public var name: String
    public var hostname: String
    public var netnsPath: String
    public var external: Bool
    public var endpoints: [String]
    public var resolvConfPath: String
    public var hostsPath: String
    public var createdAt: Date
}

/// A change of the model, as WatchEvents streams it.
public struct ControllerEvent: Sendable, Equatable {
    public var time: Date
    /// "network", "endpoint" or "sandbox".
    public var type: String
    /// "create", "delete", "connect", "disconnect", "join", "leave".
    public var action: String
    public var actorID: String
    public var actorName: String
    public var attributes: [String: String]
}

/// Counts and facts for GetInfo.
public struct ControllerInfo: Sendable, Equatable {
    public var networks: Int
    public var endpoints: Int
    public var sandboxes: Int
    public var drivers: [String]
    public var store: String
    public var stateDir: String
    public var lastReconcile: ReconcileReport?
}

/// What the start-up reconciliation found and repaired.
public struct ReconcileReport: Sendable, Equatable {
    public var startedAt: Date
    public var durationMs: Double
    public var repaired: [String]
}
