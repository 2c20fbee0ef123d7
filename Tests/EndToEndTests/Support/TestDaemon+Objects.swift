import CNMAPI
import CNMClient
import Testing

/// Shortcuts the tests share for making and looking up cnm objects.
extension TestDaemon {
    /// Creates a bridge network with the CLI (`cnm network create OPTIONS NAME`) and returns its
    /// gateway address.
    func createNetwork(_ name: String, options: [String] = []) async throws -> String {
        try await checkCLI(["network", "create"] + options + [name])
        var request = Cnm_V1_GetNetworkRequest()
        request.network = name
        let network = try await client.getNetwork(request).network
        return try #require(network.ipam.configs.first?.gateway, "network \(name) has no gateway")
    }

    /// The IPv4 address (without prefix) of `sandbox`'s endpoint on `network`.
    func address(of sandbox: String, on network: String) async throws -> String {
        var request = Cnm_V1_ListEndpointsRequest()
        request.filters = Checks.filters(["network": network, "sandbox": sandbox])
        let endpoints = try await client.listEndpoints(request).endpoints
        let endpoint = try #require(endpoints.first, "\(sandbox) has no endpoint on \(network)")
        return Checks.address(endpoint.ipv4Address)
    }
}
