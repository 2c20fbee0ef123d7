import Foundation

/// A network as the controller keeps and stores it.
struct NetworkRecord: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var driver: String
    var scope: String
    var ipv4: [SubnetRecord]
    var ipv6: [SubnetRecord]
    var isInternal: Bool
    var enableIPv6: Bool
    var labels: [String: String]
    var options: [String: String]
    var predefined: Bool
    var isDefaultBridge: Bool
    var createdAt: Date
    /// The Linux bridge of a bridge network.
    var bridgeName: String?
    var mtu: Int?

    var isUserDefined: Bool { driver == "bridge" && !isDefaultBridge }
}

/// An allocated IPAM block: subnet, optional range, gateway and reserved aux addresses.
struct SubnetRecord: Codable, Sendable, Equatable {
    var subnet: String
    var ipRange: String?
    var gateway: String
    var auxAddresses: [String: String]
}

/// An endpoint as the controller keeps and stores it.
struct EndpointRecord: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var networkID: String
    var sandboxID: String?
    /// Plain addresses (no prefix); the prefix comes from the network's subnet.
    var ipv4: String?
    var ipv6: String?
    var macAddress: String
    var aliases: [String]
    var links: [String]
    var portBindings: [PortBindingSpec]
    /// Inside the sandbox (e.g. eth0) and on the host (e.g. veth1a2b3c4), set while joined.
    var interfaceName: String?
    var hostInterfaceName: String?
    var createdAt: Date
}

/// How a sandbox relates to the kernel's namespaces.
enum SandboxMode: String, Codable, Sendable {
    /// A namespace of its own (created by cnmd, or handed in by path).
    case isolated
    /// The namespace cnmd runs in; it cannot join other networks.
    case host
    /// Loopback only; it cannot join other networks.
    case none
}

/// A sandbox as the controller keeps and stores it.
struct SandboxRecord: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var hostname: String
    var netnsPath: String
    var external: Bool
    var mode: SandboxMode
    /// Joined endpoints, in join order (the first network joined gives the default route).
    var endpointIDs: [String]
    var dnsNameservers: [String]
    var dnsSearch: [String]
    var dnsOptions: [String]
    var extraHosts: [String]
    var resolvConfPath: String
    var hostsPath: String
    var createdAt: Date
}
