import Foundation

/// What a caller asks for when creating a network (CreateNetwork).
public struct NetworkCreateRequest: Sendable {
    public var name: String
    public var driver: String
    public var ipam: [IPAMConfigRequest]
    public var isInternal: Bool
    public var enableIPv6: Bool
    public var labels: [String: String]
    public var options: [String: String]

    public init(
        name: String, driver: String = "", ipam: [IPAMConfigRequest] = [], isInternal: Bool = false,
        enableIPv6: Bool = false, labels: [String: String] = [:], options: [String: String] = [:]
    ) {
        self.name = name
        self.driver = driver
        self.ipam = ipam
        self.isInternal = isInternal
        self.enableIPv6 = enableIPv6
        self.labels = labels
        self.options = options
    }
}

/// One requested IPAM block of a network; every field may be empty.
public struct IPAMConfigRequest: Sendable, Equatable {
    public var subnet: String
    public var ipRange: String
    public var gateway: String
    public var auxAddresses: [String: String]

    public init(
        subnet: String = "", ipRange: String = "", gateway: String = "", auxAddresses: [String: String] = [:]
    ) {
        self.subnet = subnet
        self.ipRange = ipRange
        self.gateway = gateway
        self.auxAddresses = auxAddresses
    }
}

/// A published port: `hostIP:hostPort` on the host forwards to `containerPort` of the endpoint.
public struct PortBindingSpec: Sendable, Equatable, Codable {
    public var hostIP: String
    public var hostPort: UInt32
    public var containerPort: UInt32
    public var proto: String

    public init(hostIP: String = "", hostPort: UInt32, containerPort: UInt32, proto: String = "tcp") {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.containerPort = containerPort
        self.proto = proto
    }
}

/// Endpoint settings of CreateEndpoint and ConnectSandbox.
public struct EndpointCreateRequest: Sendable {
    /// Endpoint name; ConnectSandbox uses the sandbox's name when empty.
    public var name: String
    public var ipv4Address: String
    public var ipv6Address: String
    public var macAddress: String
    public var aliases: [String]
    /// Legacy links `name[:alias]` (default bridge: hosts entries; elsewhere aliases).
    public var links: [String]
    public var portBindings: [PortBindingSpec]

    public init(
        name: String = "", ipv4Address: String = "", ipv6Address: String = "", macAddress: String = "",
        aliases: [String] = [], links: [String] = [], portBindings: [PortBindingSpec] = []
    ) {
        self.name = name
        self.ipv4Address = ipv4Address
        self.ipv6Address = ipv6Address
        self.macAddress = macAddress
        self.aliases = aliases
        self.links = links
        self.portBindings = portBindings
    }
}

/// What a caller asks for when creating a sandbox (CreateSandbox).
public struct SandboxCreateRequest: Sendable {
    public var name: String
    public var hostname: String
    /// "host", "none", a network reference, or empty (lo only, no network).
    public var network: String
    /// An existing namespace to use (never deleted by cnmd); empty = cnmd creates `/run/netns/NAME`.
    public var netnsPath: String
    public var dnsNameservers: [String]
    public var dnsSearch: [String]
    public var dnsOptions: [String]
    /// Extra hosts-file lines as `name:ip`.
    public var extraHosts: [String]

    public init(
        name: String, hostname: String = "", network: String = "", netnsPath: String = "",
        dnsNameservers: [String] = [], dnsSearch: [String] = [], dnsOptions: [String] = [],
        extraHosts: [String] = []
    ) {
        self.name = name
        self.hostname = hostname
        self.network = network
        self.netnsPath = netnsPath
        self.dnsNameservers = dnsNameservers
        self.dnsSearch = dnsSearch
        self.dnsOptions = dnsOptions
        self.extraHosts = extraHosts
    }
}

/// Filters of the List calls: key → accepted values (a value matches when any matches).
public typealias ListFilters = [String: [String]]
