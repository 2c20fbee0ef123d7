import CNMAPI
import CNMClient

/// The calls the benchmark makes, by name, so that the suites read as the steps they time.
extension CNMClient {
    /// Creates a bridge network, with `subnet` or a subnet from cnmd's pools (a /24 by default).
    @discardableResult
    func benchCreateNetwork(_ name: String, subnet: String? = nil) async throws -> Cnm_V1_Network {
        var request = Cnm_V1_CreateNetworkRequest()
        request.name = name
        if let subnet {
            var config = Cnm_V1_IPAMConfig()
            config.subnet = subnet
            request.ipam.configs = [config]
        }
        return try await self.createNetwork(request).network
    }

    func benchDeleteNetwork(_ name: String) async throws {
        var request = Cnm_V1_DeleteNetworkRequest()
        request.network = name
        _ = try await self.deleteNetwork(request)
    }

    /// Creates a sandbox whose namespace cnmd makes (`/run/netns/NAME`).
    func benchCreateSandbox(_ name: String) async throws {
        var request = Cnm_V1_CreateSandboxRequest()
        request.name = name
        _ = try await self.createSandbox(request)
    }

    /// Removes a sandbox, disconnecting it first where it is still connected.
    func benchDeleteSandbox(_ name: String) async throws {
        var request = Cnm_V1_DeleteSandboxRequest()
        request.sandbox = name
        request.force = true
        _ = try await self.deleteSandbox(request)
    }

    /// Attach: ConnectSandbox, which creates the endpoint and joins it. Returns the endpoint.
    @discardableResult
    func benchConnect(_ network: String, _ sandbox: String) async throws -> Cnm_V1_Endpoint {
        var request = Cnm_V1_ConnectSandboxRequest()
        request.network = network
        request.sandbox = sandbox
        return try await self.connectSandbox(request).endpoint
    }

    /// Detach: DisconnectSandbox, which leaves and deletes the endpoint.
    func benchDisconnect(_ network: String, _ sandbox: String) async throws {
        var request = Cnm_V1_DisconnectSandboxRequest()
        request.network = network
        request.sandbox = sandbox
        _ = try await self.disconnectSandbox(request)
    }

    func benchGetNetwork(_ name: String) async throws {
        var request = Cnm_V1_GetNetworkRequest()
        request.network = name
        _ = try await self.getNetwork(request)
    }

    /// Lists all networks and returns how many there are.
    func benchListNetworks() async throws -> Int {
        try await self.listNetworks(Cnm_V1_ListNetworksRequest()).networks.count
    }
}
