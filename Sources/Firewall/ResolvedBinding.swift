/// A `PortBinding` whose addresses were parsed and checked; the form the firewall works with.
struct ResolvedBinding: Hashable, Sendable {
    /// nil publishes on every local address of the family.
    let host: InetAddress?
    let hostPort: UInt16
    let container: InetAddress
    let containerPort: UInt16
    let proto: TransportProtocol

    var family: IPFamily { container.family }

    /// Validates `binding`: addresses parse, ports are not 0, families match. `0.0.0.0` and `::`
    /// as host address mean "every address" and become nil.
    init(_ binding: PortBinding) throws(FirewallError) {
        guard let container = InetAddress(binding.containerIP), !container.isUnspecified else {
            throw .invalidAddress(field: "container address", value: binding.containerIP)
        }
        var host: InetAddress?
        if let text = binding.hostIP {
            guard let parsed = InetAddress(text) else {
                throw .invalidAddress(field: "host address", value: text)
            }
            guard parsed.family == container.family else { throw .familyMismatch(binding) }
            host = parsed.isUnspecified ? nil : parsed
        }
        guard binding.hostPort != 0, binding.containerPort != 0 else { throw .invalidPort(binding) }
        self.init(
            host: host, hostPort: binding.hostPort, container: container,
            containerPort: binding.containerPort, proto: binding.proto)
    }

    init(
        host: InetAddress?, hostPort: UInt16, container: InetAddress, containerPort: UInt16,
        proto: TransportProtocol
    ) {
        self.host = host
        self.hostPort = hostPort
        self.container = container
        self.containerPort = containerPort
        self.proto = proto
    }

    /// The binding with canonical address text (nil host address for "every address").
    var binding: PortBinding {
        PortBinding(
            hostIP: host?.description, hostPort: hostPort, containerIP: container.description,
            containerPort: containerPort, proto: proto)
    }

    /// Two bindings conflict when they would take the same host port: same protocol, port and
    /// family, and the same host address or a wildcard on either side.
    func conflicts(with other: ResolvedBinding) -> Bool {
        proto == other.proto && hostPort == other.hostPort && family == other.family
            && (host == nil || other.host == nil || host == other.host)
    }
}
