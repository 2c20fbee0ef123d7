import CNMAPI

/// The `cnm.v1.SystemService` methods.
extension CNMClient {
    /// Returns cnmd's version.
    public func getVersion(
        _ request: Cnm_V1_GetVersionRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_GetVersionResponse {
        try await call(CNMMethods.System.getVersion, request, options: options)
    }

    /// Returns object counts, drivers, storage and the last reconciliation.
    public func getInfo(
        _ request: Cnm_V1_GetInfoRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_GetInfoResponse {
        try await call(CNMMethods.System.getInfo, request, options: options)
    }

    /// Says whether cnmd is serving (`status` is `SERVING`).
    public func health(
        _ request: Cnm_V1_HealthRequest = .init(), options: CNMCallOptions = .default
    ) async throws(CNMError) -> Cnm_V1_HealthResponse {
        try await call(CNMMethods.System.health, request, options: options)
    }

    /// Streams events as they happen (after replaying those since `request.since`, when set).
    /// The stream has no deadline unless `options.timeout` sets one; it ends when the consumer
    /// stops iterating (the call is then cancelled), or fails with a ``CNMError``.
    public func watchEvents(
        _ request: Cnm_V1_WatchEventsRequest = .init(), options: CNMCallOptions = .default
    ) -> AsyncThrowingStream<Cnm_V1_WatchEventsResponse, any Error> {
        stream(CNMMethods.System.watchEvents, request, options: options)
    }
}
