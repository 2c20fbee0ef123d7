import CNMAPI
import CNMClient

/// cnmd's model as the API lists it: what its store holds after a restart.
struct ModelSnapshot: Sendable, Equatable {
    var networks: [Cnm_V1_Network]
    var sandboxes: [Cnm_V1_Sandbox]
    var endpoints: [Cnm_V1_Endpoint]

    static func read(_ client: CNMClient) async throws -> ModelSnapshot {
        let options = CNMCallOptions(timeout: .seconds(30))
        return ModelSnapshot(
            networks: try await client.listNetworks(options: options).networks,
            sandboxes: try await client.listSandboxes(options: options).sandboxes,
            endpoints: try await client.listEndpoints(options: options).endpoints)
    }

    /// Endpoints joined to a sandbox on a bridge network: those that own a veth pair.
    var joinedBridgeEndpoints: [Cnm_V1_Endpoint] {
        let bridgeNetworks = Set(self.networks.filter { $0.driver == "bridge" }.map(\.id))
        return self.endpoints.filter { !$0.sandboxID.isEmpty && bridgeNetworks.contains($0.networkID) }
    }
}

extension Cnm_V1_Endpoint {
    /// The address without its prefix length ("172.18.0.2/24" → "172.18.0.2").
    var ipv4WithoutPrefix: String {
        String(self.ipv4Address.split(separator: "/").first ?? "")
    }
}

extension Cnm_V1_Network {
    /// The bridge cnmd makes for the network: the `com.docker.network.bridge.name` option, or
    /// `br-` and the first 12 digits of the ID (Docker's rule, which cnmd follows).
    var bridgeName: String {
        self.options["com.docker.network.bridge.name"] ?? "br-\(self.id.prefix(12))"
    }

    /// The IPv4 gateways with their prefix length, as the bridge holds them ("172.18.0.1/24").
    var ipv4Gateways: [String] {
        self.ipam.configs.filter { !$0.gateway.isEmpty && !$0.gateway.contains(":") }.map { config in
            "\(config.gateway)/\(config.subnet.split(separator: "/").last.map(String.init) ?? "?")"
        }
    }

    /// The elements of cnm's nftables network sets that this (bridge) network must have, as
    /// (set, element) in the text form of ``FirewallView/text(of:)``: the bridge in
    /// `cnm_bridges`, its pair in `cnm_bridge_pairs`, each subnet in `cnm_nets4`/`cnm_nets6`, and
    /// the bridge in `cnm_internal`, `cnm_icc_off` and `cnm_masq` as its settings say.
    var firewallElements: [(set: String, element: String)] {
        let bridge = self.bridgeName
        var elements = [("cnm_bridges", bridge), ("cnm_bridge_pairs", "\(bridge) . \(bridge)")]
        if self.`internal` { elements.append(("cnm_internal", bridge)) }
        if !self.option("com.docker.network.bridge.enable_icc") { elements.append(("cnm_icc_off", bridge)) }
        if !self.`internal` && self.option("com.docker.network.bridge.enable_ip_masquerade") {
            elements.append(("cnm_masq", bridge))
        }
        for config in self.ipam.configs where !config.subnet.isEmpty {
            elements.append(
                (config.subnet.contains(":") ? "cnm_nets6" : "cnm_nets4", "\(bridge) . \(config.subnet)"))
        }
        return elements
    }

    /// A boolean driver option (true unless set to false, 0 or no).
    private func option(_ key: String) -> Bool {
        guard let text = self.options[key]?.lowercased() else { return true }
        return !["false", "0", "no"].contains(text)
    }
}
