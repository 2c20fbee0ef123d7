import CNMAPI
import Foundation

/// What a consistency check found. `leaks` are kernel objects without a store record, `missing`
/// are store records without their kernel objects, `broken` are objects present on both sides
/// that disagree (duplicate addresses, wrong bridge, unreachable gateway, firewall elements).
struct ConsistencyReport: Sendable {
    var leaks: [String] = []
    var missing: [String] = []
    var broken: [String] = []
    /// /etc/netns directories of sandboxes the store does not know: not kernel objects, and
    /// rewritten when a sandbox of that name is made again, so only reported.
    var staleFiles: [String] = []
    var pings = 0

    var isConsistent: Bool { self.leaks.isEmpty && self.missing.isEmpty && self.broken.isEmpty }

    var summary: String {
        (self.leaks.map { "leak: \($0)" } + self.missing.map { "missing: \($0)" }
            + self.broken.map { "broken: \($0)" }).joined(separator: "\n")
    }
}

/// Compares cnmd's model (as listed after a restart) with the kernel of its namespace and of
/// the sandboxes' namespaces.
struct ConsistencyCheck: Sendable {
    /// The namespace cnmd runs in.
    let netns: String
    /// Prefix of the test's sandbox names (their /run/netns and /etc/netns entries).
    let tag: String
    /// Which joined endpoints ping their gateway (one `ping -c1 -W1` each).
    var pings = PingScope.all

    enum PingScope: Sendable {
        case all
        /// The first endpoint of each sandbox: with 1,000 endpoints, one ARP entry per endpoint
        /// on both sides outgrows the kernel's neighbour table, which all namespaces share
        /// (`gc_thresh3`, 1,024 by default), and pings fail for that reason alone.
        case firstPerSandbox
    }

    func run(_ model: ModelSnapshot) async throws -> ConsistencyReport {
        var report = ConsistencyReport()
        let links = try await KernelView.links(in: self.netns)
        let hostAddresses = try await KernelView.addresses(in: self.netns)
        let networks = Dictionary(model.networks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let endpoints = Dictionary(
            model.endpoints.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let sandboxes = Dictionary(
            model.sandboxes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let joined = model.joinedBridgeEndpoints

        // Addresses are never handed out twice.
        let holders = Dictionary(
            grouping: model.endpoints.filter { !$0.ipv4Address.isEmpty }, by: \.ipv4WithoutPrefix)
        for (address, owners) in holders where owners.count > 1 {
            report.broken.append("address \(address) is held by \(owners.map(\.name).sorted())")
        }

        // Every bridge network has its bridge, marked as its own, up, with its gateway addresses
        // and no others.
        var bridges: [String: KernelLink] = [:]
        for network in model.networks where network.driver == "bridge" {
            guard let bridge = links.first(where: { $0.cnmOwner == network.id && $0.kind == "bridge" }) else {
                report.missing.append("network \(network.name) has no bridge (cnm:\(network.id.prefix(12)))")
                continue
            }
            bridges[network.id] = bridge
            if bridge.name != network.bridgeName {
                report.broken.append(
                    "bridge \(bridge.name) of \(network.name) is not named \(network.bridgeName)")
            }
            if !bridge.isUp { report.broken.append("bridge \(bridge.name) of \(network.name) is down") }
            if bridge.group != KernelLink.cnmBridgeGroup {
                report.broken.append(
                    "bridge \(bridge.name) of \(network.name) is in device group \(bridge.group), not cnmd's bridge group"
                )
            }
            let gateways = Set(network.ipv4Gateways)
            let present = Set(hostAddresses[bridge.name] ?? [])
            for cidr in gateways.subtracting(present) {
                report.missing.append("bridge \(bridge.name) of \(network.name) lacks its gateway \(cidr)")
            }
            for cidr in present.subtracting(gateways) {
                report.broken.append("bridge \(bridge.name) of \(network.name) has the stray address \(cidr)")
            }
        }

        // Every cnm-marked link belongs to a stored network or joined endpoint, and fits it.
        for link in links {
            if link.group == KernelLink.cnmDoomedGroup {
                report.broken.append(
                    "\(link.kind ?? "link") \(link.name) (\(link.alias ?? "no alias")) is still in cnmd's doomed device group, which the next bulk delete removes"
                )
            }
            guard let owner = link.cnmOwner else {
                if link.kind == "veth" && link.group == KernelLink.cnmVethGroup {
                    report.leaks.append("veth \(link.name) of cnmd's device group without its cnm: mark")
                }
                // Only cnmd makes bridges in its namespace: one without a mark (in cnmd's bridge
                // group or not) is a network create cut off before it set the alias, and one
                // that reconciliation neither marked nor removed.
                if link.kind == "bridge" {
                    let group =
                        link.group == KernelLink.cnmBridgeGroup
                        ? "cnmd's bridge group" : "group \(link.group)"
                    report.leaks.append("bridge \(link.name) (\(group)) without a cnm: mark")
                }
                continue
            }
            if let network = networks[owner], link.kind == "bridge", bridges[network.id]?.name == link.name {
                continue
            }
            guard let endpoint = endpoints[owner], let network = networks[endpoint.networkID] else {
                report.leaks.append(
                    "\(link.kind ?? "link") \(link.name) (cnm:\(owner.prefix(12))) has no store record")
                continue
            }
            if endpoint.sandboxID.isEmpty {
                report.leaks.append("veth \(link.name) of endpoint \(endpoint.name), which is not joined")
                continue
            }
            if link.name != endpoint.hostInterfaceName {
                report.broken.append(
                    "veth \(link.name) of endpoint \(endpoint.name) is not its host interface \(endpoint.hostInterfaceName)"
                )
            }
            if link.master != bridges[network.id]?.name {
                report.broken.append(
                    "veth \(link.name) of \(endpoint.name) is on \(link.master ?? "no bridge"), not on network \(network.name)"
                )
            }
        }
        for endpoint in joined
        where !links.contains(where: { $0.cnmOwner == endpoint.id && $0.kind == "veth" }) {
            report.missing.append(
                "endpoint \(endpoint.name) joined to \(sandboxes[endpoint.sandboxID]?.name ?? endpoint.sandboxID) has no veth"
            )
        }

        // Sandbox membership lists agree with the endpoints.
        for sandbox in model.sandboxes {
            let members = Set(model.endpoints.filter { $0.sandboxID == sandbox.id }.map(\.id))
            if Set(sandbox.endpoints) != members {
                report.broken.append(
                    "sandbox \(sandbox.name) lists \(sandbox.endpoints.count) endpoints, \(members.count) name it"
                )
            }
        }
        for endpoint in model.endpoints
        where !endpoint.sandboxID.isEmpty && sandboxes[endpoint.sandboxID] == nil {
            report.broken.append("endpoint \(endpoint.name) is joined to an unknown sandbox")
        }

        // Inside each named sandbox: exactly its joined interfaces, with their addresses.
        let named = model.sandboxes.filter { $0.netnsPath == "/run/netns/\($0.name)" }
        let inside = try await concurrentMap(named, width: 8) {
            sandbox -> (String, [String: [String]]?, String?) in
            guard KernelView.isLiveNamespace(sandbox.name) else { return (sandbox.id, nil, nil) }
            return (
                sandbox.id, try await KernelView.addresses(in: sandbox.name),
                try await KernelView.defaultGateway(in: sandbox.name)
            )
        }
        var pingTargets: [(sandbox: String, endpoint: String, gateway: String)] = []
        for (sandboxID, interfaces, defaultGateway) in inside {
            let sandbox = sandboxes[sandboxID]!
            guard let interfaces else {
                report.missing.append("sandbox \(sandbox.name): namespace \(sandbox.netnsPath) is gone")
                continue
            }
            let members = joined.filter { $0.sandboxID == sandboxID }
            // The first non-internal bridge network joined gives the default route.
            let provider = sandbox.endpoints.compactMap { endpoints[$0] }.first { endpoint in
                networks[endpoint.networkID].map { $0.driver == "bridge" && !$0.`internal` } ?? false
            }
            let wantedGateway = provider.flatMap { networks[$0.networkID]?.ipam.configs.first?.gateway }
            if defaultGateway != wantedGateway {
                let order = sandbox.endpoints.compactMap { endpoints[$0] }.map {
                    "\($0.networkName) \(networks[$0.networkID]?.ipam.configs.first?.gateway ?? "?")"
                }
                report.missing.append(
                    "sandbox \(sandbox.name) routes by default via \(defaultGateway ?? "nothing"), not \(wantedGateway ?? "nothing") (its endpoints in join order: \(order.joined(separator: ", ")))"
                )
            }
            let expected = Set(members.map(\.interfaceName))
            let present = Set(interfaces.keys.filter { $0 != "lo" })
            for name in present.subtracting(expected) {
                report.leaks.append("sandbox \(sandbox.name) has interface \(name) of no joined endpoint")
            }
            for endpoint in members {
                guard let addresses = interfaces[endpoint.interfaceName] else {
                    report.missing.append(
                        "sandbox \(sandbox.name) lacks \(endpoint.interfaceName) of \(endpoint.name)")
                    continue
                }
                if !addresses.contains(endpoint.ipv4Address) {
                    report.missing.append(
                        "\(endpoint.interfaceName) in \(sandbox.name) lacks \(endpoint.ipv4Address) (has \(addresses))"
                    )
                }
                let alreadyPinging = pingTargets.contains { $0.sandbox == sandbox.name }
                if let gateway = networks[endpoint.networkID]?.ipam.configs.first?.gateway, !gateway.isEmpty,
                    self.pings == .all || !alreadyPinging
                {
                    pingTargets.append((sandbox.name, endpoint.name, gateway))
                }
            }
        }
        do {
            let answered = try await concurrentMap(pingTargets, width: 8) { target in
                await KernelView.ping(from: target.sandbox, to: target.gateway)
            }
            report.pings = answered.count
            for (target, ok) in zip(pingTargets, answered) where !ok {
                report.broken.append(
                    "\(target.endpoint) in \(target.sandbox) does not reach its gateway \(target.gateway)")
            }
        }

        // Namespaces and files of the test's sandbox names that the store does not know.
        let names = Set(model.sandboxes.map(\.name))
        for name in KernelView.namespaceNames() where name.hasPrefix(self.tag) && !names.contains(name) {
            let what = KernelView.isLiveNamespace(name) ? "namespace" : "leftover file (not a namespace)"
            report.leaks.append("/run/netns/\(name): \(what) of no stored sandbox")
        }
        let etc = (try? FileManager.default.contentsOfDirectory(atPath: "/etc/netns")) ?? []
        for name in etc where name.hasPrefix(self.tag) && !names.contains(name) {
            report.staleFiles.append("/etc/netns/\(name)")
        }

        // Firewall: every bridge network has exactly its elements in cnm's network sets (by the
        // bridge name it must have, so that the elements of a network whose bridge is missing
        // are checked too), and no element names a bridge no network owns.
        let firewall = try await KernelView.firewall(in: self.netns)
        var wantedElements: [String: Set<String>] = [:]
        for network in model.networks where network.driver == "bridge" {
            for (set, element) in network.firewallElements {
                wantedElements[set, default: []].insert(element)
            }
        }
        let ownerOfBridge = Dictionary(
            model.networks.filter { $0.driver == "bridge" }.map { ($0.bridgeName, $0.name) },
            uniquingKeysWith: { first, _ in first })
        for set in FirewallView.networkSets.sorted() {
            let present = firewall.elements[set] ?? []
            let wanted = wantedElements[set] ?? []
            for element in present.subtracting(wanted).sorted() {
                let bridge = element.components(separatedBy: " . ")[0]
                let owner = ownerOfBridge[bridge].map { "of network \($0), which does not want it" }
                report.leaks.append(
                    "firewall element \(set) { \(element) } \(owner ?? "of no stored network")")
            }
            for element in wanted.subtracting(present).sorted() {
                let owner = ownerOfBridge[element.components(separatedBy: " . ")[0]] ?? "?"
                report.missing.append("firewall element \(set) { \(element) } of network \(owner)")
            }
        }

        // Embedded DNS: a UDP and a TCP listener on the gateway of every user-defined network,
        // none on another address.
        let listeners = try await KernelView.dnsListeners(in: self.netns)
        var wantedListeners = Set<String>()
        for network in model.networks where network.driver == "bridge" && !network.predefined {
            for config in network.ipam.configs where !config.gateway.isEmpty {
                wantedListeners.insert("udp \(config.gateway)")
                wantedListeners.insert("tcp \(config.gateway)")
            }
        }
        for listener in listeners.subtracting(wantedListeners).sorted() {
            report.leaks.append("DNS listener \(listener):53 on no gateway of a stored network")
        }
        for listener in wantedListeners.subtracting(listeners).sorted() {
            report.missing.append("DNS listener \(listener):53 of a stored network is not there")
        }

        var wantedPorts = Set<PublishedPort>()
        for endpoint in joined {
            for binding in endpoint.portBindings where binding.hostIp.isEmpty {
                wantedPorts.insert(
                    PublishedPort(
                        proto: binding.protocol.isEmpty ? "tcp" : binding.protocol,
                        hostPort: Int(binding.hostPort),
                        address: endpoint.ipv4WithoutPrefix, containerPort: Int(binding.containerPort)))
            }
        }
        for port in firewall.ports.subtracting(wantedPorts) {
            report.leaks.append("published port \(port) of no joined endpoint")
        }
        for port in wantedPorts.subtracting(firewall.ports) {
            report.missing.append("published port \(port) is not in the firewall")
        }
        return report
    }
}
