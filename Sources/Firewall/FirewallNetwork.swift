/// The firewall's view of one bridge network.
public struct FirewallNetwork: Hashable, Sendable {
    /// The bridge device name (1...15 characters out of `A-Z a-z 0-9 . _ -`).
    public var bridge: String
    /// The network's subnets in CIDR notation (`10.1.0.0/24`, `fd00:1::/64`), host bits cleared.
    public var subnets: [String]
    /// Internal networks reach nothing but their own bridge, in either direction.
    public var isInternal: Bool
    /// Inter-container communication: when false, traffic between ports of the bridge is dropped.
    public var icc: Bool
    /// Masquerade traffic from the subnets that leaves through another interface (internal
    /// networks never masquerade: the firewall reports false for them).
    public var masquerade: Bool

    public init(bridge: String, subnets: [String], isInternal: Bool, icc: Bool, masquerade: Bool) {
        self.bridge = bridge
        self.subnets = subnets
        self.isInternal = isInternal
        self.icc = icc
        self.masquerade = masquerade
    }
}
