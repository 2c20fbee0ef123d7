/// Builds one transaction of `add element` / `delete element` commands on cnm's sets and maps,
/// one command per set, so a network or a batch of ports is one small nft transaction.
struct ElementScript {
    private var added: [(set: String, elements: [String])] = []
    private var deleted: [(set: String, elements: [String])] = []

    var isEmpty: Bool { added.isEmpty && deleted.isEmpty }

    /// The script: deletions first (a replaced element is deleted, then added back).
    var text: String {
        let table = FirewallRuleset.table
        let delete = deleted.map {
            "delete element \(table) \($0.set) { \($0.elements.joined(separator: ", ")) }"
        }
        let add = added.map { "add element \(table) \($0.set) { \($0.elements.joined(separator: ", ")) }" }
        return (delete + add).joined(separator: "\n") + "\n"
    }

    mutating func add(_ network: ResolvedNetwork) {
        for (set, element) in Self.elements(of: network) { append(element, to: set, in: &added) }
    }

    mutating func delete(_ network: ResolvedNetwork) {
        for (set, element) in Self.elements(of: network) { append(element, to: set, in: &deleted) }
    }

    mutating func add(_ binding: ResolvedBinding) {
        let element = "\(Self.key(of: binding)) : \(binding.container) . \(binding.containerPort)"
        append(element, to: Self.map(of: binding), in: &added)
    }

    mutating func delete(_ binding: ResolvedBinding) {
        append(Self.key(of: binding), to: Self.map(of: binding), in: &deleted)
    }

    private func append(
        _ element: String, to set: String, in list: inout [(set: String, elements: [String])]
    ) {
        if let index = list.firstIndex(where: { $0.set == set }) {
            list[index].elements.append(element)
        } else {
            list.append((set, [element]))
        }
    }

    private static func elements(of network: ResolvedNetwork) -> [(String, String)] {
        typealias Name = FirewallRuleset.Name
        let bridge = "\"\(network.bridge)\""
        var elements = [(Name.bridges, bridge), (Name.bridgePairs, "\(bridge) . \(bridge)")]
        if network.isInternal { elements.append((Name.internal, bridge)) }
        if !network.icc { elements.append((Name.iccOff, bridge)) }
        if network.masquerade { elements.append((Name.masquerade, bridge)) }
        for subnet in network.subnets {
            elements.append((subnet.family == .ipv4 ? Name.nets4 : Name.nets6, "\(bridge) . \(subnet)"))
        }
        return elements
    }

    private static func map(of binding: ResolvedBinding) -> String {
        typealias Name = FirewallRuleset.Name
        switch (binding.family, binding.host == nil) {
        case (.ipv4, false): return Name.dnat4
        case (.ipv4, true): return Name.dnat4Any
        case (.ipv6, false): return Name.dnat6
        case (.ipv6, true): return Name.dnat6Any
        }
    }

    private static func key(of binding: ResolvedBinding) -> String {
        let service = "\(binding.proto) . \(binding.hostPort)"
        guard let host = binding.host else { return service }
        return "\(host) . \(service)"
    }
}
