import Firewall
import Foundation
import Netlink

/// Start-up reconciliation: the store is the model, the kernel the second copy of the truth.
/// What the store has and the kernel lost is recreated; kernel objects that are cnmd's and that
/// the store does not know are removed. A kill -9 at any instant of an operation leaves one of
/// these differences, so this is what makes a crash harmless.
///
/// The steps run in this order because each relies on the ones before:
/// 1. bridges of bridge networks (with their gateway addresses and firewall sets);
/// 2. sandboxes whose namespace is gone are released (a leftover, unmounted /run/netns file of a
///    named one is removed);
/// 3. cnmd's interfaces without an owner are removed: those marked `ifalias cnm:<id>`, and
///    veths in cnmd's device group that never got their mark (a crash between creating a veth
///    pair and setting its alias);
/// 4. joined endpoints whose veth is gone (a crash between deleting it and storing the leave)
///    get it back, with their address, inside their sandbox;
/// 5. a sandbox whose default route went with a network it left (a crash before the route was
///    moved to the next network) gets it back;
/// 6. published ports: stale ones are removed, missing ones added.
/// A repair that fails is logged and reported; it never stops cnmd from starting.
extension Controller {
    func reconcile() throws -> [String] {
        var repaired: [String] = []
        let bridge = BridgeDriver(kernel: kernel, logger: logger)
        // One dump of every link, shared by the steps below: at thousands of veths each dump
        // costs the kernel ~0.2 s (every veth's peer namespace is looked up).
        var links = Dictionary(
            try kernel.socket.links().map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        // One dump of every address, shared by all networks (not one dump per network).
        var addressesByIndex: [Int32: Set<String>] = [:]
        for address in try kernel.socket.addresses() {
            addressesByIndex[address.index, default: []].insert(address.cidr)
        }
        for network in networks.values.sorted(by: { $0.name < $1.name }) where network.driver == "bridge" {
            guard let bridgeName = network.bridgeName else { continue }
            if let existing = links[bridgeName] {
                if existing.alias == nil && existing.group == BridgeDriver.bridgeGroup {
                    // Made, and its maker killed before it set the alias: createNetwork marks it.
                    repaired.append("marked bridge \(bridgeName) of network \(network.name)")
                }
            } else {
                repaired.append("recreated bridge \(bridgeName) of network \(network.name)")
            }
            try bridge.createNetwork(network, addressesByIndex: addressesByIndex)
            links[bridgeName]?.alias = BridgeDriver.mark(network.id)
        }
        repaired += try releaseVanishedSandboxes()
        repaired += removeOrphanInterfaces(links.values.sorted { $0.index < $1.index })
        repaired += try recreateMissingVeths(bridge, present: Set(links.keys))
        repaired += restoreDefaultRoutes(bridge)
        repaired += try reconcileFirewall()
        for entry in repaired { logger.notice("reconcile: \(entry)") }
        return repaired
    }

    // MARK: - Sandboxes

    /// Releases every sandbox whose namespace no longer exists, with its endpoints.
    private func releaseVanishedSandboxes() throws -> [String] {
        var repaired: [String] = []
        for sandbox in sandboxes.values.sorted(by: { $0.name < $1.name }) where sandbox.mode != .host {
            if (try? NetworkNamespace.open(path: sandbox.netnsPath)) != nil {
                refreshSandboxFiles(sandbox)
                continue
            }
            try releaseVanishedSandbox(sandbox)
            if sandbox.external {
                repaired.append(
                    "released sandbox \(sandbox.name): its namespace \(sandbox.netnsPath) is gone")
                continue
            }
            // A crash between unmounting and unlinking leaves a plain file that would make the
            // name unusable ("already exists and was not made by cnmd").
            if FileManager.default.fileExists(atPath: sandbox.netnsPath) {
                try? NetworkNamespace.delete(name: sandbox.name)
            }
            repaired.append("removed sandbox \(sandbox.name): its namespace \(sandbox.netnsPath) was deleted")
        }
        return repaired
    }

    /// Drops a sandbox whose namespace no longer exists, with its endpoints.
    private func releaseVanishedSandbox(_ sandbox: SandboxRecord) throws {
        let members = sandbox.endpointIDs.compactMap { endpoints[$0] }
        for member in members {
            if let name = member.hostInterfaceName, let link = try kernel.socket.link(named: name) {
                try? kernel.socket.deleteLink(index: link.index)
            }
        }
        try store.write { transaction in
            for member in members { try transaction.deleteEndpoint(member.id) }
            try transaction.deleteSandbox(sandbox.id)
        }
        for member in members {
            endpoints[member.id] = nil
            addresses.releaseEndpoint(member)
        }
        sandboxes[sandbox.id] = nil
        namespaces[sandbox.id] = nil
        SandboxFiles.remove(sandbox)
    }

    // MARK: - Interfaces

    /// Removes cnmd's interfaces that no stored object owns. An interface is cnmd's when its
    /// alias is `cnm:<id>`, or when it is a veth in ``BridgeDriver/vethGroup`` or a bridge in
    /// ``BridgeDriver/bridgeGroup``: the group is set in the request that creates the link, the
    /// alias only in the next one, so a crash in between leaves a link that only the group
    /// marks. Such a link that a joined endpoint or a stored network does own (by name) gets
    /// its alias instead.
    private func removeOrphanInterfaces(_ links: [Link]) -> [String] {
        var repaired: [String] = []
        var owners: [String: String] = [:]
        var joinedByInterface: [String: EndpointRecord] = [:]
        var networkByBridge: [String: NetworkRecord] = [:]
        for network in networks.values {
            guard let name = network.bridgeName else { continue }
            owners[network.id] = name
            networkByBridge[name] = network
        }
        for endpoint in endpoints.values where endpoint.sandboxID != nil {
            guard let name = endpoint.hostInterfaceName else { continue }
            owners[endpoint.id] = name
            joinedByInterface[name] = endpoint
        }
        for link in links {
            let alias = link.alias.flatMap { $0.hasPrefix("cnm:") ? $0 : nil }
            let inVethGroup = link.kind == "veth" && link.group == BridgeDriver.vethGroup
            let inBridgeGroup = link.kind == "bridge" && link.group == BridgeDriver.bridgeGroup
            guard alias != nil || inVethGroup || inBridgeGroup else { continue }
            if let alias, owners[String(alias.dropFirst(4))] == link.name { continue }
            var owner: (id: String, what: String)?
            if alias == nil, inVethGroup, let endpoint = joinedByInterface[link.name] {
                owner = (endpoint.id, "interface \(link.name) of endpoint \(endpoint.name)")
            } else if alias == nil, inBridgeGroup, let network = networkByBridge[link.name] {
                owner = (network.id, "bridge \(link.name) of network \(network.name)")
            }
            if let owner {
                do {
                    try kernel.socket.setAlias(BridgeDriver.mark(owner.id), index: link.index)
                    repaired.append("marked \(owner.what)")
                } catch {
                    logger.warning(
                        "reconcile: could not mark \(link.name)", metadata: ["error": "\(error)"])
                }
                continue
            }
            do {
                try kernel.socket.deleteLink(index: link.index)
            } catch {
                // Gone since the dump (with the namespace of a released sandbox), or not ours to delete.
                if let netlink = error as? NetlinkError, netlink.isNotFound { continue }
                logger.warning("reconcile: could not remove \(link.name)", metadata: ["error": "\(error)"])
                continue
            }
            let unmarked =
                inVethGroup
                ? "unmarked veth of cnmd's device group" : "unmarked bridge of cnmd's device group"
            repaired.append("removed orphan interface \(link.name) (\(alias ?? unmarked))")
        }
        return repaired
    }

    /// Gives every joined bridge endpoint whose veth is gone a new veth pair in its sandbox,
    /// with its interface name, MAC and addresses (its published ports come back in the
    /// firewall step, its default route in the next one).
    private func recreateMissingVeths(_ bridge: BridgeDriver, present: Set<String>) throws -> [String] {
        var repaired: [String] = []
        for endpoint in endpoints.values.sorted(by: { $0.name < $1.name }) {
            guard let sandboxID = endpoint.sandboxID, let sandbox = sandboxes[sandboxID],
                sandbox.mode == .isolated, let network = networks[endpoint.networkID],
                network.driver == "bridge",
                let hostName = endpoint.hostInterfaceName, let inside = endpoint.interfaceName,
                !present.contains(hostName)
            else { continue }
            do {
                let namespace = try sandboxNamespace(sandbox)
                var withoutPorts = endpoint
                withoutPorts.portBindings = []
                let created = try bridge.join(
                    withoutPorts, network: network,
                    context: JoinContext(
                        sandbox: namespace, interfaceName: inside, providesDefaultRoute: false))
                if let created, created != hostName {
                    var renamed = endpoint
                    renamed.hostInterfaceName = created
                    try store.save(renamed)
                    endpoints[endpoint.id] = renamed
                }
                repaired.append(
                    "recreated interface \(inside) of endpoint \(endpoint.name) in sandbox \(sandbox.name)")
            } catch {
                logger.error(
                    "reconcile: could not recreate the veth of endpoint \(endpoint.name)",
                    metadata: ["sandbox": "\(sandbox.name)", "error": "\(error)"])
                repaired.append(
                    "could not recreate interface \(inside) of endpoint \(endpoint.name): \(error)")
            }
        }
        return repaired
    }

    /// Makes every sandbox's default route go through the first non-internal bridge network
    /// it joined, as joins and leaves assign it: added when missing, and replaced when it goes
    /// through another gateway (a leave killed after it moved the route to the next network
    /// but before its commit leaves the sandbox on the first network, routed by the second).
    private func restoreDefaultRoutes(_ bridge: BridgeDriver) -> [String] {
        var repaired: [String] = []
        for sandbox in sandboxes.values.sorted(by: { $0.name < $1.name }) where sandbox.mode == .isolated {
            let provider = sandbox.endpointIDs.compactMap { endpoints[$0] }.first { endpoint in
                networks[endpoint.networkID].map { $0.driver == "bridge" && !$0.isInternal } ?? false
            }
            guard let provider, let network = networks[provider.networkID], !network.ipv4.isEmpty else {
                continue
            }
            do {
                // Opened only for this look, unless an operation already holds it open.
                let namespace =
                    try namespaces[sandbox.id]
                    ?? SandboxNamespace(NetworkNamespace.open(path: sandbox.netnsPath))
                let defaults = try namespace.socket.routes(family: .ipv4).filter(\.isDefault)
                let gateway = network.ipv4.first?.gateway
                if !defaults.isEmpty && defaults.allSatisfy({ $0.gateway == gateway }) { continue }
                for route in defaults {
                    try namespace.socket.deleteRoute(gateway: route.gateway, index: route.outputIndex ?? 0)
                }
                try bridge.addDefaultRoute(provider, network: network, sandbox: namespace)
                repaired.append(
                    defaults.isEmpty
                        ? "restored the default route of sandbox \(sandbox.name) through \(network.name)"
                        : "moved the default route of sandbox \(sandbox.name) back to \(network.name) (it went via \(defaults.compactMap(\.gateway).joined(separator: ", ")))"
                )
            } catch {
                logger.warning(
                    "reconcile: could not restore the default route of sandbox \(sandbox.name)",
                    metadata: ["error": "\(error)"])
            }
        }
        return repaired
    }

    // MARK: - Firewall

    /// Removes firewall elements of networks and ports the store does not know, and
    /// adds the published ports of joined endpoints (networks were added with their bridges).
    private func reconcileFirewall() throws -> [String] {
        let endpoints = endpoints
        let bridgeNetworks = networks.values.filter { $0.driver == "bridge" }
        return try kernel.withFirewall { firewall in
            var repaired: [String] = []
            let bridges = Set(bridgeNetworks.compactMap(\.bridgeName))
            for network in firewall.networks where !bridges.contains(network.bridge) {
                try firewall.removeNetwork(bridge: network.bridge)
                repaired.append("removed firewall elements of unknown bridge \(network.bridge)")
            }
            for network in bridgeNetworks {
                guard let bridge = network.bridgeName else { continue }
                let joined = endpoints.records(inGroup: network.id).filter { $0.sandboxID != nil }
                let wanted = Set(joined.flatMap(BridgeDriver.firewallBindings))
                let present = Set(firewall.portBindings(bridge: bridge))
                let stale = present.subtracting(wanted)
                if !stale.isEmpty {
                    try firewall.removePortBindings(Array(stale))
                    repaired.append("removed \(stale.count) stale published port(s) of \(bridge)")
                }
                let missing = wanted.subtracting(present)
                if !missing.isEmpty {
                    do {
                        try firewall.addPortBindings(Array(missing), bridge: bridge)
                        repaired.append("republished \(missing.count) port(s) on \(bridge)")
                    } catch {
                        // One at a time, so that a port another endpoint holds costs only itself.
                        repaired += republishOneByOne(missing, bridge: bridge, firewall: firewall)
                    }
                }
            }
            return repaired
        } ?? []
    }

    /// Publishes ports one by one; a port that is taken (two stored endpoints claim it: a
    /// disconnect killed before its commit, while another endpoint got the port) is reported
    /// and skipped, never a reason for cnmd not to start.
    private func republishOneByOne(_ bindings: Set<PortBinding>, bridge: String, firewall: Firewall)
        -> [String]
    {
        var repaired: [String] = []
        for binding in bindings.sorted(by: { $0.hostPort < $1.hostPort }) {
            do {
                try firewall.addPortBindings([binding], bridge: bridge)
                repaired.append("republished port \(binding.hostPort)/\(binding.proto) on \(bridge)")
            } catch {
                logger.error(
                    "reconcile: could not republish a port",
                    metadata: ["bridge": "\(bridge)", "error": "\(error)"])
                repaired.append(
                    "could not republish port \(binding.hostPort)/\(binding.proto) on \(bridge): \(error)")
            }
        }
        return repaired
    }
}
