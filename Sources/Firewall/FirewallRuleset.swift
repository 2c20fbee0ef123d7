/// The rule base of cnm's one nftables table, `inet cnm`, and the names of its sets and maps.
///
/// The chains never change after `install`: networks and published ports are elements of the
/// sets and maps below, so a packet walks the same few rules (hash and interval lookups) whatever
/// the number of networks, and adding a network is one small transaction of set elements.
///
/// Why sets keyed on pairs: nft cannot compare two packet fields with each other
/// (`iifname == oifname`), so "same bridge" is a lookup of `iifname . oifname` in a set holding
/// `"brX" . "brX"` for every bridge.
///
/// Why no plain interval sets: before every `add element`/`delete element`, libnftables 1.0.6
/// reads back all elements of every non-concatenated interval set in the ruleset (measured: 2,000
/// such elements add ~2.7 ms to every transaction, against ~0.06-0.1 ms otherwise). Subnets are
/// therefore only kept in concatenated `ifname . address` interval sets, which it does not read
/// back; everything else is a hash set or map, so publishing a port costs the same with 1 or
/// 1,000 networks.
public enum FirewallRuleset {
    /// The family and name of cnm's table; cnm never touches another table.
    public static let table = "inet cnm"

    /// Set and map names (all in `inet cnm`).
    public enum Name {
        /// `ifname`: every cnm bridge.
        public static let bridges = "cnm_bridges"
        /// `ifname . ifname`: `"brX" . "brX"` for every bridge (the "same bridge" test).
        public static let bridgePairs = "cnm_bridge_pairs"
        /// `ifname`: bridges of internal networks.
        public static let `internal` = "cnm_internal"
        /// `ifname`: bridges with inter-container communication off.
        public static let iccOff = "cnm_icc_off"
        /// `ifname`: bridges whose subnets are masqueraded when leaving them.
        public static let masquerade = "cnm_masq"
        /// `ifname . ipv4_addr` interval: (bridge, subnet) of every network.
        public static let nets4 = "cnm_nets4"
        /// `ifname . ipv6_addr` interval: (bridge, subnet) of every network.
        public static let nets6 = "cnm_nets6"
        /// `ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service`: ports on one address.
        public static let dnat4 = "cnm_dnat4"
        /// `inet_proto . inet_service : ipv4_addr . inet_service`: ports on every local address.
        public static let dnat4Any = "cnm_dnat4_any"
        /// IPv6 counterpart of `dnat4`.
        public static let dnat6 = "cnm_dnat6"
        /// IPv6 counterpart of `dnat4Any`.
        public static let dnat6Any = "cnm_dnat6_any"
    }

    /// Set and map declarations: kind, name and the body between braces, in nft syntax.
    static let sets: [(kind: String, name: String, spec: String)] = [
        ("set", Name.bridges, "type ifname;"),
        ("set", Name.bridgePairs, "type ifname . ifname;"),
        ("set", Name.internal, "type ifname;"),
        ("set", Name.iccOff, "type ifname;"),
        ("set", Name.masquerade, "type ifname;"),
        ("set", Name.nets4, "type ifname . ipv4_addr; flags interval;"),
        ("set", Name.nets6, "type ifname . ipv6_addr; flags interval;"),
        ("map", Name.dnat4, "type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service;"),
        ("map", Name.dnat4Any, "type inet_proto . inet_service : ipv4_addr . inet_service;"),
        ("map", Name.dnat6, "type ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service;"),
        ("map", Name.dnat6Any, "type inet_proto . inet_service : ipv6_addr . inet_service;"),
    ]

    /// Chains with their hook (nil for regular chains) and rules, in nft syntax.
    static let chains: [(name: String, hook: String?, rules: [String])] = [
        (
            "forward", "type filter hook forward priority filter; policy accept;",
            [
                "ct state established,related accept",
                "iifname @\(Name.bridges) jump from_bridge",
                "oifname @\(Name.bridges) jump into_bridge",
            ]
        ),
        (
            // Entered from a cnm bridge.
            "from_bridge", nil,
            [
                "iifname . oifname @\(Name.bridgePairs) jump within_bridge",
                "iifname @\(Name.internal) drop",
                "oifname @\(Name.internal) drop",
                // A published port of another network, reached through a host address.
                "ct status dnat accept",
                // Isolation: never from one cnm bridge to another.
                "oifname @\(Name.bridges) drop",
                "accept",
            ]
        ),
        (
            // Between two ports of the same bridge (seen when br_netfilter hands bridged IP
            // traffic to the inet hooks, as Docker relies on for icc=false).
            "within_bridge", nil,
            [
                "iifname @\(Name.iccOff) drop",
                "accept",
            ]
        ),
        (
            // Entering a cnm bridge from a non-cnm interface.
            "into_bridge", nil,
            [
                "oifname @\(Name.internal) drop",
                "ct status dnat accept",
                // No direct routing into NAT networks: only published ports get in.
                "oifname @\(Name.masquerade) drop",
            ]
        ),
        (
            "prerouting_nat", "type nat hook prerouting priority dstnat; policy accept;",
            ["fib daddr type local jump published"]
        ),
        (
            "output_nat", "type nat hook output priority -100; policy accept;",
            ["fib daddr type local jump published"]
        ),
        (
            "published", nil,
            [
                "dnat ip to ip daddr . meta l4proto . th dport map @\(Name.dnat4)",
                "dnat ip to meta l4proto . th dport map @\(Name.dnat4Any)",
                "dnat ip6 to ip6 daddr . meta l4proto . th dport map @\(Name.dnat6)",
                "dnat ip6 to meta l4proto . th dport map @\(Name.dnat6Any)",
            ]
        ),
        (
            "postrouting_nat", "type nat hook postrouting priority srcnat; policy accept;",
            [
                // Hairpin: a container reaching a published port of its own bridge. Tested on the
                // output side: a packet that br_netfilter bridged has no input interface here.
                "ct status dnat oifname . ip saddr @\(Name.nets4) masquerade",
                "ct status dnat oifname . ip6 saddr @\(Name.nets6) masquerade",
                // The host reaching a published port on 127.0.0.1 (needs route_localnet).
                "oifname @\(Name.bridges) ip saddr 127.0.0.0/8 masquerade",
                // Outbound: from a masqueraded bridge's subnet, out of any other interface.
                masqueradeRule("ip"),
                masqueradeRule("ip6"),
            ]
        ),
        (
            // route_localnet is on for cnm bridges: containers must not reach the host's loopback.
            "prerouting_guard", "type filter hook prerouting priority raw; policy accept;",
            ["iifname @\(Name.bridges) ip daddr 127.0.0.0/8 drop"]
        ),
    ]

    private static func masqueradeRule(_ family: String) -> String {
        let nets = family == "ip" ? Name.nets4 : Name.nets6
        return "iifname @\(Name.masquerade) iifname . oifname != @\(Name.bridgePairs) "
            + "iifname . \(family) saddr @\(nets) masquerade"
    }

    /// Whether a listed table holds exactly cnm's chains and sets, nothing left over from an
    /// older rule base.
    static func matches(_ elements: FirewallElements) -> Bool {
        elements.chainNames == Set(chains.map(\.name)) && elements.setNames == Set(sets.map(\.name))
            && elements.ruleCount == ruleCount
    }

    /// Number of rules in the rule base (constant: networks and ports never add rules).
    public static var ruleCount: Int { chains.reduce(0) { $0 + $1.rules.count } }

    /// Creates what is missing and rewrites the rules of cnm's chains, keeping set elements.
    /// `add` of an existing, identical table, set or chain is a no-op in nft, and only cnm's own
    /// chains are flushed. Fails if an existing set or chain has another definition.
    static var installScript: String {
        var lines = ["add table \(table)"]
        lines += sets.map { "add \($0.kind) \(table) \($0.name) { \($0.spec) }" }
        lines += chains.map { "add chain \(table) \($0.name) { \($0.hook ?? "") }" }
        lines += chains.map { "flush chain \(table) \($0.name)" }
        for chain in chains {
            lines += chain.rules.map { "add rule \(table) \(chain.name) \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Replaces cnm's table wholesale, for when an older definition is in the way: deleting and
    /// recreating in one transaction leaves no moment without the table.
    static var resetScript: String {
        "add table \(table)\ndelete table \(table)\n" + installScript
    }

    /// Deletes cnm's table (if any) and everything in it.
    static var removeScript: String {
        "add table \(table)\ndelete table \(table)\n"
    }
}
