import Synchronization

/// cnm's firewall: one nftables table, `inet cnm`, holding the rule base of `FirewallRuleset`.
/// Networks and published ports are set and map elements; every change is one nft transaction.
///
/// What the rules do, per bridge network (as Docker's bridge driver does):
/// - traffic between two cnm bridges is dropped (isolation); replies to allowed connections pass;
/// - an internal network reaches nothing but its own bridge, and nothing reaches it from outside;
/// - with `icc` off, traffic between two ports of the bridge is dropped (br_netfilter hands the
///   bridged traffic to the IP hooks: `net.bridge.bridge-nf-call-iptables=1`, set as needed);
/// - with `masquerade` on, traffic from the subnets leaving through another interface is
///   masqueraded, and no outside host can route straight into the subnets;
/// - published ports are DNATed from every local address (or the given host address), from the
///   outside, from the host itself (including 127.0.0.1) and from containers (hairpin, masqueraded
///   so that replies come back through the host; a container reaching its own published port also
///   needs hairpin mode on its bridge port).
///
/// Other tables are never read or changed. All methods block on the kernel; call them off the
/// NIO event loops. They are serialized, so the port registry and the kernel always agree.
public final class Firewall: Sendable {
    private struct State {
        var networks: [String: ResolvedNetwork] = [:]
        var ports = PortRegistry()
    }

    private let context: NFTContext
    private let state = Mutex(State())

    /// A firewall working through `context`, whose namespace it configures.
    public init(context: NFTContext) {
        self.context = context
    }

    /// A firewall with its own context, bound to the calling thread's network namespace.
    public convenience init() throws(FirewallError) {
        do {
            self.init(context: try NFTContext())
        } catch {
            throw .nft(operation: "create nft context", error: error)
        }
    }

    /// nft transactions run so far (changes and listings); a change is exactly one.
    public var transactionCount: Int { context.transactionCount }

    /// The networks that have rules, as the firewall knows them.
    public var networks: [FirewallNetwork] {
        state.withLock { $0.networks.values.map(\.network) }.sorted { $0.bridge < $1.bridge }
    }

    /// The published ports of `bridge`'s network.
    public func portBindings(bridge: String) -> [PortBinding] {
        state.withLock { $0.ports.bindings(onBridge: bridge) }.map(\.binding)
    }

    /// Turns on IPv4 forwarding (and IPv6 forwarding if asked) in the current namespace, then
    /// creates cnm's table, sets, maps and chains where missing and rewrites the rules of its
    /// chains, keeping the elements already there. Idempotent.
    ///
    /// After a restart the networks and ports found in the kernel are taken over (see `networks`
    /// and `listElements()`), so the caller can reconcile them with its store. If the table holds
    /// another definition of a set or chain, or chains or sets this rule base does not have (left
    /// by an older version), it is replaced instead, in one transaction, and starts empty.
    /// Costs 2 transactions (4 when the table is replaced).
    public func install(ipv6Forwarding: Bool = false) throws(FirewallError) {
        try Sysctl.write(Sysctl.ipv4Forwarding, "1")
        if ipv6Forwarding { try Sysctl.write(Sysctl.ipv6Forwarding, "1") }
        try state.withLock { (state: inout State) throws(FirewallError) in
            let listed = try installedTable()
            state = State()
            for network in listed.networks { state.networks[network.bridge] = network }
            for binding in listed.portBindings {
                guard let resolved = try? ResolvedBinding(binding) else { continue }
                let owner = state.networks.values.first { $0.contains(resolved.container) }
                state.ports.insert(resolved, bridge: owner?.bridge)
            }
        }
    }

    /// Adds the rules of a bridge network: one transaction of set elements.
    ///
    /// The bridge must exist when the network is not internal and has an IPv4 subnet: its
    /// `route_localnet` is turned on so that the host can reach published ports on 127.0.0.1.
    /// With `icc` off, `net.bridge.bridge-nf-call-iptables` (and `-ip6tables` for IPv6 subnets)
    /// is turned on in the current namespace; that needs the br_netfilter module, and fails with
    /// a `sysctl` error naming the missing file when it is not loaded.
    /// Adding a network that is already there with the same settings does nothing; with other
    /// settings, its elements are replaced in one transaction.
    ///
    /// - Parameters:
    ///   - bridge: the bridge device name.
    ///   - subnets: subnets in CIDR notation, IPv4 and/or IPv6.
    ///   - isInternal: no traffic in or out of the bridge.
    ///   - icc: allow traffic between the bridge's ports.
    ///   - masquerade: masquerade outbound traffic (ignored for internal networks).
    public func addNetwork(
        bridge: String, subnets: [String], internal isInternal: Bool = false, icc: Bool = true,
        masquerade: Bool = true
    ) throws(FirewallError) {
        try addNetwork(
            FirewallNetwork(
                bridge: bridge, subnets: subnets, isInternal: isInternal, icc: icc, masquerade: masquerade))
    }

    /// Adds (or replaces) the rules of a bridge network; see `addNetwork(bridge:subnets:…)`.
    public func addNetwork(_ network: FirewallNetwork) throws(FirewallError) {
        let network = try ResolvedNetwork(network)
        try state.withLock { (state: inout State) throws(FirewallError) in
            let existing = state.networks[network.bridge]
            if existing == network { return }
            if network.isInternal, !state.ports.bindings(onBridge: network.bridge).isEmpty {
                throw .networkHasPorts(bridge: network.bridge)
            }
            let families = Set(network.subnets.map(\.family))
            if !network.isInternal, families.contains(.ipv4) {
                try Sysctl.write(Sysctl.routeLocalnet(bridge: network.bridge), "1")
            }
            if !network.icc {
                try Sysctl.write(Sysctl.bridgeNetfilter4, "1")
                if families.contains(.ipv6) { try Sysctl.write(Sysctl.bridgeNetfilter6, "1") }
            }
            var script = ElementScript()
            if let existing { script.delete(existing) }
            script.add(network)
            try run(script.text, "add network \(network.bridge)")
            state.networks[network.bridge] = network
        }
    }

    /// Removes a bridge network's rules and its published ports, in one transaction. A bridge
    /// without rules is ignored (no transaction), so cleanup paths can call this freely.
    public func removeNetwork(bridge: String) throws(FirewallError) {
        try state.withLock { (state: inout State) throws(FirewallError) in
            guard let network = state.networks[bridge] else { return }
            let bindings = state.ports.bindings(onBridge: bridge)
            var script = ElementScript()
            script.delete(network)
            for binding in bindings { script.delete(binding) }
            try run(script.text, "remove network \(bridge)")
            state.networks[bridge] = nil
            for binding in bindings { state.ports.remove(binding) }
        }
    }

    /// Publishes ports of containers on `bridge`'s network, all in one transaction, or none.
    ///
    /// - Throws: `portAlreadyAllocated` naming the first host port taken by another binding
    ///   (or twice in `bindings`); `unknownNetwork`, `internalNetwork`,
    ///   `addressOutsideNetwork` or a validation error. Bindings that are already published
    ///   exactly so are skipped; if nothing is new, no transaction runs.
    public func addPortBindings(_ bindings: [PortBinding], bridge: String) throws(FirewallError) {
        var resolved: [ResolvedBinding] = []
        for binding in bindings { resolved.append(try ResolvedBinding(binding)) }
        try state.withLock { (state: inout State) throws(FirewallError) in
            guard let network = state.networks[bridge] else { throw .unknownNetwork(bridge: bridge) }
            guard !network.isInternal else { throw .internalNetwork(bridge: bridge) }
            if let outside = resolved.first(where: { !network.contains($0.container) }) {
                throw .addressOutsideNetwork(outside.binding, bridge: bridge)
            }
            let added = try state.ports.newBindings(resolved)
            guard !added.isEmpty else { return }
            var script = ElementScript()
            for binding in added { script.add(binding) }
            try run(script.text, "publish ports on \(bridge)")
            for binding in added { state.ports.insert(binding, bridge: bridge) }
        }
    }

    /// Unpublishes ports, in one transaction. Bindings that are not published are ignored; if
    /// none is, no transaction runs.
    public func removePortBindings(_ bindings: [PortBinding]) throws(FirewallError) {
        var resolved: [ResolvedBinding] = []
        for binding in bindings { resolved.append(try ResolvedBinding(binding)) }
        try state.withLock { (state: inout State) throws(FirewallError) in
            var removed: [ResolvedBinding] = []
            for binding in resolved where state.ports.contains(binding) && !removed.contains(binding) {
                removed.append(binding)
            }
            guard !removed.isEmpty else { return }
            var script = ElementScript()
            for binding in removed { script.delete(binding) }
            try run(script.text, "unpublish ports")
            for binding in removed { state.ports.remove(binding) }
        }
    }

    /// Deletes cnm's table with every rule and element, and forgets all networks and ports.
    /// Does nothing to other tables; succeeds when the table is already gone. Forwarding
    /// sysctls are left on.
    public func removeAll() throws(FirewallError) {
        try state.withLock { (state: inout State) throws(FirewallError) in
            try run(FirewallRuleset.removeScript, "remove \(FirewallRuleset.table)")
            state = State()
        }
    }

    /// Reads cnm's table back from the kernel (one listing transaction).
    public func listElements() throws(FirewallError) -> FirewallElements {
        try state.withLock { _ throws(FirewallError) in try list() }
    }

    // MARK: - Helpers, called with the state lock held.

    /// Installs the rule base keeping the elements, or replaces the table when what is there
    /// does not match the rule base; returns what the table holds then.
    private func installedTable() throws(FirewallError) -> FirewallElements {
        if (try? context.run(FirewallRuleset.installScript)) != nil {
            let current = try list()
            if FirewallRuleset.matches(current) { return current }
        }
        try run(FirewallRuleset.resetScript, "install \(FirewallRuleset.table)")
        return try list()
    }

    private func run(_ script: String, _ operation: String) throws(FirewallError) {
        do {
            try context.run(script)
        } catch {
            throw .nft(operation: operation, error: error)
        }
    }

    private func list() throws(FirewallError) -> FirewallElements {
        let output: String
        do {
            output = try context.run("list table \(FirewallRuleset.table)", json: true)
        } catch {
            throw .nft(operation: "list \(FirewallRuleset.table)", error: error)
        }
        let table: NFTJSON.Table
        do {
            table = try NFTJSON.parseTable(output)
        } catch {
            throw .unreadableListing("\(error)")
        }
        return try FirewallElements(table: table)
    }
}
