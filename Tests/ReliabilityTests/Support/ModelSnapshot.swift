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
