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

        // Every bridge network has its bridge, up, with its gateway address.
        var bridges: [String: KernelLink] = [:]
        for network in model.networks where network.driver == "bridge" {
            guard let bridge = links.first(where: { $0.cnmOwner == network.id && $0.kind == "bridge" }) else {
                report.missing.append("network \(network.name) has no bridge")
                continue
            }
            bridges[network.id] = bridge
            if !bridge.isUp { report.broken.append("bridge \(bridge.name) of \(network.name) is down") }
            for config in network.ipam.configs where !config.gateway.contains(":") {
                let prefix = config.subnet.split(separator: "/").last.map(String.init) ?? "?"
                let cidr = "\(config.gateway)/\(prefix)"
                if !(hostAddresses[bridge.name] ?? []).contains(cidr) {
                    report.missing.append(
                        "bridge \(bridge.name) of \(network.name) lacks its gateway \(cidr)")
                }
            }
        }

        // Every cnm-marked link belongs to a stored network or joined endpoint, and fits it.
        for link in links {
            guard let owner = link.cnmOwner else {
                if link.kind == "veth" && link.group == KernelLink.cnmVethGroup {
                    report.leaks.append("veth \(link.name) of cnmd's device group without its cnm: mark")
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
                report.missing.append(
                    "sandbox \(sandbox.name) routes by default via \(defaultGateway ?? "nothing"), not \(wantedGateway ?? "nothing")"
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

        // Firewall: one element per bridge, one DNAT entry per published port of a joined endpoint.
        let firewall = try await KernelView.firewall(in: self.netns)
        let wantedBridges = Set(bridges.values.map(\.name))
        for name in firewall.bridges.subtracting(wantedBridges) {
            report.leaks.append("firewall element of bridge \(name), which no network owns")
        }
        for name in wantedBridges.subtracting(firewall.bridges) {
            report.missing.append("bridge \(name) is not in the firewall's bridge set")
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
