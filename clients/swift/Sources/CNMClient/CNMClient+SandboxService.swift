import CNMAPI

/// The `cnm.v1.SandboxService` methods.
extension CNMClient {
    /// Creates a sandbox (a named network namespace, or an existing one by path).
    public func createSandbox(
        _ request: Cnm_V1_CreateSandboxRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_CreateSandboxResponse {
        try await call(CNMMethods.Sandbox.createSandbox, request, options: options)
    }

    /// Returns one sandbox.
    public func getSandbox(
        _ request: Cnm_V1_GetSandboxRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_GetSandboxResponse {
        try await call(CNMMethods.Sandbox.getSandbox, request, options: options)
    }

    /// Lists sandboxes, sorted by name.
    public func listSandboxes(
        _ request: Cnm_V1_ListSandboxesRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_ListSandboxesResponse {
        try await call(CNMMethods.Sandbox.listSandboxes, request, options: options)
    }

    /// Removes a sandbox; with `force`, its endpoints leave and are deleted first.
    public func deleteSandbox(
        _ request: Cnm_V1_DeleteSandboxRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_DeleteSandboxResponse {
        try await call(CNMMethods.Sandbox.deleteSandbox, request, options: options)
    }
}
