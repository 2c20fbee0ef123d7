/// What cnm's table holds, read back from the kernel: for reconciliation after a restart and for
/// tests. Addresses and subnets are in canonical text.
public struct FirewallElements: Equatable, Sendable {
    /// Bridges with network rules (`cnm_bridges`).
    public var bridges: Set<String> = []
    /// Bridges of internal networks (`cnm_internal`).
    public var internalBridges: Set<String> = []
    /// Bridges with inter-container communication off (`cnm_icc_off`).
    public var iccOffBridges: Set<String> = []
    /// Subnets by bridge (`cnm_nets4`, `cnm_nets6`).
    public var subnets: [String: Set<String>] = [:]
    /// Bridges whose outbound traffic is masqueraded (`cnm_masq`).
    public var masqueradedBridges: Set<String> = []
    /// Published ports (the four DNAT maps); `hostIP` is nil for "every address".
    public var portBindings: Set<PortBinding> = []
    /// Elements in all sets and maps together.
    public var elementCount = 0
    /// Rules in all chains together; `FirewallRuleset.ruleCount` once installed.
    public var ruleCount = 0
    /// Names of the chains and of the sets and maps in the table.
    public var chainNames: Set<String> = []
    public var setNames: Set<String> = []

    public init() {}

    /// True when no set or map holds an element.
    public var isEmpty: Bool { elementCount == 0 }

    /// Reads the elements out of `nft -j list table inet cnm` output.
    init(table: NFTJSON.Table) throws(FirewallError) {
        typealias Name = FirewallRuleset.Name
        let elements = table.elements
        ruleCount = table.ruleCount
        chainNames = table.chains
        setNames = Set(elements.keys)
        elementCount = elements.values.reduce(0) { $0 + $1.count }
        bridges = Set(elements[Name.bridges, default: []].compactMap(\.text))
        internalBridges = Set(elements[Name.internal, default: []].compactMap(\.text))
        iccOffBridges = Set(elements[Name.iccOff, default: []].compactMap(\.text))
        masqueradedBridges = Set(elements[Name.masquerade, default: []].compactMap(\.text))
        for value in elements[Name.nets4, default: []] + elements[Name.nets6, default: []] {
            let parts = value.parts
            guard parts.count == 2, let bridge = parts[0].text, let subnet = parts[1].text else {
                throw Self.unreadable(value)
            }
            subnets[bridge, default: []].insert(try Self.canonicalSubnet(subnet))
        }
        for name in [Name.dnat4, Name.dnat4Any, Name.dnat6, Name.dnat6Any] {
            for value in elements[name, default: []] {
                portBindings.insert(
                    try Self.binding(value, withHost: name == Name.dnat4 || name == Name.dnat6))
            }
        }
    }

    /// The networks these elements describe.
    var networks: [ResolvedNetwork] {
        bridges.sorted().map { bridge in
            ResolvedNetwork(
                bridge: bridge, subnets: (subnets[bridge] ?? []).sorted().compactMap(InetSubnet.init),
                isInternal: internalBridges.contains(bridge), icc: !iccOffBridges.contains(bridge),
                masquerade: masqueradedBridges.contains(bridge))
        }
    }

    private static func binding(_ value: NFTJSON.Value, withHost: Bool) throws(FirewallError) -> PortBinding {
        guard case .mapping(let key, let data) = value else { throw unreadable(value) }
        var keyParts = key.parts
        let dataParts = data.parts
        let host = withHost && !keyParts.isEmpty ? keyParts.removeFirst().text : nil
        guard keyParts.count == 2, dataParts.count == 2, let proto = transportProtocol(keyParts[0]),
            let hostPort = keyParts[1].text.flatMap(UInt16.init),
            let containerIP = dataParts[0].text,
            let containerPort = dataParts[1].text.flatMap(UInt16.init), !withHost || host != nil
        else { throw unreadable(value) }
        return PortBinding(
            hostIP: host, hostPort: hostPort, containerIP: containerIP, containerPort: containerPort,
            proto: proto)
    }

    /// nft prints known protocols by name and others by number.
    private static func transportProtocol(_ value: NFTJSON.Value) -> TransportProtocol? {
        switch value {
        case .text(let name): return TransportProtocol(rawValue: name)
        case .number(6): return .tcp
        case .number(17): return .udp
        case .number(132): return .sctp
        default: return nil
        }
    }

    /// nft prints a one-address interval as the bare address.
    private static func canonicalSubnet(_ text: String) throws(FirewallError) -> String {
        guard let subnet = InetSubnet(text) else { throw .unreadableListing("subnet \(text)") }
        return subnet.description
    }

    private static func unreadable(_ value: NFTJSON.Value) -> FirewallError {
        .unreadableListing("element \(value)")
    }
}
