/// A `FirewallNetwork` whose bridge name and subnets were checked; the form the firewall keeps.
struct ResolvedNetwork: Hashable, Sendable {
    let bridge: String
    let subnets: [InetSubnet]
    let isInternal: Bool
    let icc: Bool
    /// Always false for internal networks.
    let masquerade: Bool

    init(_ network: FirewallNetwork) throws(FirewallError) {
        try Self.checkBridgeName(network.bridge)
        var subnets: [InetSubnet] = []
        for text in network.subnets {
            guard let subnet = InetSubnet(text) else { throw .invalidAddress(field: "subnet", value: text) }
            if !subnets.contains(subnet) { subnets.append(subnet) }
        }
        self.init(
            bridge: network.bridge, subnets: subnets, isInternal: network.isInternal, icc: network.icc,
            masquerade: network.masquerade)
    }

    init(bridge: String, subnets: [InetSubnet], isInternal: Bool, icc: Bool, masquerade: Bool) {
        self.bridge = bridge
        self.subnets = subnets
        self.isInternal = isInternal
        self.icc = icc
        self.masquerade = masquerade && !isInternal
    }

    /// The network with canonical subnet text.
    var network: FirewallNetwork {
        FirewallNetwork(
            bridge: bridge, subnets: subnets.map(\.description), isInternal: isInternal, icc: icc,
            masquerade: masquerade)
    }

    func contains(_ address: InetAddress) -> Bool {
        subnets.contains { $0.contains(address) }
    }

    /// Interface names go into nft scripts between quotes, so only a conservative character set
    /// is accepted (Docker's `br-<id>` and `docker0` fit); `*` would be an nft wildcard.
    static func checkBridgeName(_ name: String) throws(FirewallError) {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard allowed, (1...15).contains(name.utf8.count), name != ".", name != ".." else {
            throw .invalidBridgeName(name)
        }
    }
}
