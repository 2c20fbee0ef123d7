import CNMAPI

/// The `cnm.v1.NetworkService` methods.
extension CNMClient {
    /// Creates a network.
    public func createNetwork(
        _ request: Cnm_V1_CreateNetworkRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_CreateNetworkResponse {
        try await call(CNMMethods.Network.createNetwork, request, options: options)
    }

    /// Returns one network by name, full ID or unambiguous ID prefix.
    public func getNetwork(
        _ request: Cnm_V1_GetNetworkRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_GetNetworkResponse {
        try await call(CNMMethods.Network.getNetwork, request, options: options)
    }

    /// Lists networks, optionally filtered (`name`, `id`, `driver`, `label`, `scope`, `type`).
    public func listNetworks(
        _ request: Cnm_V1_ListNetworksRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_ListNetworksResponse {
        try await call(CNMMethods.Network.listNetworks, request, options: options)
    }

    /// Removes a network.
    public func deleteNetwork(
        _ request: Cnm_V1_DeleteNetworkRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_DeleteNetworkResponse {
        try await call(CNMMethods.Network.deleteNetwork, request, options: options)
    }

    /// Removes every unused user-defined network; returns the names removed.
    public func pruneNetworks(
        _ request: Cnm_V1_PruneNetworksRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_PruneNetworksResponse {
        try await call(CNMMethods.Network.pruneNetworks, request, options: options)
    }

    /// Connects a sandbox to a network: creates an endpoint named after the sandbox and joins it.
    public func connectSandbox(
        _ request: Cnm_V1_ConnectSandboxRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_ConnectSandboxResponse {
        try await call(CNMMethods.Network.connectSandbox, request, options: options)
    }

    /// Disconnects a sandbox from a network and deletes its endpoint there.
    public func disconnectSandbox(
        _ request: Cnm_V1_DisconnectSandboxRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_DisconnectSandboxResponse {
        try await call(CNMMethods.Network.disconnectSandbox, request, options: options)
    }
}
