import CNMAPI

/// The `cnm.v1.EndpointService` methods.
extension CNMClient {
    /// Creates an endpoint on a network (addresses allocated, not joined).
    public func createEndpoint(
        _ request: Cnm_V1_CreateEndpointRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_CreateEndpointResponse {
        try await call(CNMMethods.Endpoint.createEndpoint, request, options: options)
    }

    /// Returns one endpoint.
    public func getEndpoint(
        _ request: Cnm_V1_GetEndpointRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_GetEndpointResponse {
        try await call(CNMMethods.Endpoint.getEndpoint, request, options: options)
    }

    /// Lists endpoints, optionally filtered by `network` or `sandbox`.
    public func listEndpoints(
        _ request: Cnm_V1_ListEndpointsRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_ListEndpointsResponse {
        try await call(CNMMethods.Endpoint.listEndpoints, request, options: options)
    }

    /// Deletes an endpoint that is not joined (with `force`, it leaves first).
    public func deleteEndpoint(
        _ request: Cnm_V1_DeleteEndpointRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_DeleteEndpointResponse {
        try await call(CNMMethods.Endpoint.deleteEndpoint, request, options: options)
    }

    /// Joins an endpoint to a sandbox: its interface appears in the sandbox.
    public func join(
        _ request: Cnm_V1_JoinRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_JoinResponse {
        try await call(CNMMethods.Endpoint.join, request, options: options)
    }

    /// Takes an endpoint out of its sandbox; the endpoint stays on its network.
    public func leave(
        _ request: Cnm_V1_LeaveRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_LeaveResponse {
        try await call(CNMMethods.Endpoint.leave, request, options: options)
    }
}
