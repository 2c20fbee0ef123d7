import CNMCore

/// What GetVersion reports about the daemon.
public struct DaemonVersion: Sendable, Equatable {
    /// The daemon's release, e.g. `0.1.0`.
    public var version: String
    /// The API version served: `v1`.
    public var apiVersion: String
    /// The commit the daemon was built from; empty when unknown.
    public var gitCommit: String

    /// Creates the version record.
    public init(version: String, apiVersion: String = "v1", gitCommit: String = "") {
        self.version = version
        self.apiVersion = apiVersion
        self.gitCommit = gitCommit
    }
}

/// The cnm API (`cnm.v1.*Service`) bound to a controller.
public enum CNMServices {
    /// A router serving every method of the cnm API on `controller`.
    public static func router(controller: Controller, version: DaemonVersion) -> ConnectRouter {
        var router = ConnectRouter()
        Self.register(in: &router, controller: controller, version: version)
        return router
    }

    /// Adds every method of the cnm API to `router`.
    public static func register(
        in router: inout ConnectRouter, controller: Controller, version: DaemonVersion
    ) {
        NetworkServiceBinding(controller: controller).register(in: &router)
        SandboxServiceBinding(controller: controller).register(in: &router)
        EndpointServiceBinding(controller: controller).register(in: &router)
        SystemServiceBinding(controller: controller, version: version).register(in: &router)
    }
}
