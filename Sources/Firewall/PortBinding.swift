/// A transport protocol a port can be published for.
public enum TransportProtocol: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case tcp
    case udp
    case sctp

    public var description: String { rawValue }
}

/// One published port: traffic to `hostIP:hostPort` (any local address of the container's family
/// when `hostIP` is nil, `0.0.0.0` or `::`) is DNATed to `containerIP:containerPort`.
///
/// The family of the binding is the family of `containerIP`; a `hostIP` of the other family is
/// rejected (NAT cannot translate between families).
public struct PortBinding: Hashable, Sendable, CustomStringConvertible {
    /// The host address to publish on, or nil for every local address of the container's family.
    public var hostIP: String?
    /// The host port, 1...65535.
    public var hostPort: UInt16
    /// The container's address on the network the binding belongs to.
    public var containerIP: String
    /// The port inside the container, 1...65535.
    public var containerPort: UInt16
    /// The transport protocol.
    public var proto: TransportProtocol

    public init(
        hostIP: String? = nil, hostPort: UInt16, containerIP: String, containerPort: UInt16,
        proto: TransportProtocol = .tcp
    ) {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.containerIP = containerIP
        self.containerPort = containerPort
        self.proto = proto
    }

    /// `0.0.0.0:8080/tcp -> 10.1.0.2:80`, Docker's `docker port` style.
    public var description: String {
        "\(hostEndpointText) -> \(Self.endpoint(containerIP, containerPort))"
    }

    /// The host side as Docker prints it: `8080/tcp`, or `10.0.0.1:8080/tcp` with a host address.
    var hostPortText: String {
        guard let hostIP else { return "\(hostPort)/\(proto)" }
        return "\(Self.endpoint(hostIP, hostPort))/\(proto)"
    }

    private var hostEndpointText: String {
        let host = hostIP ?? (containerIP.contains(":") ? "::" : "0.0.0.0")
        return "\(Self.endpoint(host, hostPort))/\(proto)"
    }

    private static func endpoint(_ address: String, _ port: UInt16) -> String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
