/// The table of every RPC of the cnm API, shared by the server (routing) and the clients.
///
/// Written by hand because protoc-gen-swift generates messages only, not services;
/// `CNMMethodsTests` parses `proto-json/cnm/v1/*.proto` and fails when this table differs
/// from the services declared there.
public enum CNMMethods {
    /// `cnm.v1.NetworkService`.
    public enum Network {
        static let service = "cnm.v1.NetworkService"
        /// `CreateNetwork`.
        public static let createNetwork = CNMRPC<Cnm_V1_CreateNetworkRequest, Cnm_V1_CreateNetworkResponse>(
            service: service, name: "CreateNetwork")
        /// `GetNetwork` (no side effects).
        public static let getNetwork = CNMRPC<Cnm_V1_GetNetworkRequest, Cnm_V1_GetNetworkResponse>(
            service: service, name: "GetNetwork", hasNoSideEffects: true)
        /// `ListNetworks` (no side effects).
        public static let listNetworks = CNMRPC<Cnm_V1_ListNetworksRequest, Cnm_V1_ListNetworksResponse>(
            service: service, name: "ListNetworks", hasNoSideEffects: true)
        /// `DeleteNetwork`.
        public static let deleteNetwork = CNMRPC<Cnm_V1_DeleteNetworkRequest, Cnm_V1_DeleteNetworkResponse>(
            service: service, name: "DeleteNetwork")
        /// `PruneNetworks`.
        public static let pruneNetworks = CNMRPC<Cnm_V1_PruneNetworksRequest, Cnm_V1_PruneNetworksResponse>(
            service: service, name: "PruneNetworks")
        /// `ConnectSandbox`.
        public static let connectSandbox = CNMRPC<
            Cnm_V1_ConnectSandboxRequest, Cnm_V1_ConnectSandboxResponse
        >(
            service: service, name: "ConnectSandbox")
        /// `DisconnectSandbox`.
        public static let disconnectSandbox = CNMRPC<
            Cnm_V1_DisconnectSandboxRequest, Cnm_V1_DisconnectSandboxResponse
        >(service: service, name: "DisconnectSandbox")
    }

    /// `cnm.v1.SandboxService`.
    public enum Sandbox {
        static let service = "cnm.v1.SandboxService"
        /// `CreateSandbox`.
        public static let createSandbox = CNMRPC<Cnm_V1_CreateSandboxRequest, Cnm_V1_CreateSandboxResponse>(
            service: service, name: "CreateSandbox")
        /// `GetSandbox` (no side effects).
        public static let getSandbox = CNMRPC<Cnm_V1_GetSandboxRequest, Cnm_V1_GetSandboxResponse>(
            service: service, name: "GetSandbox", hasNoSideEffects: true)
        /// `ListSandboxes` (no side effects).
        public static let listSandboxes = CNMRPC<Cnm_V1_ListSandboxesRequest, Cnm_V1_ListSandboxesResponse>(
            service: service, name: "ListSandboxes", hasNoSideEffects: true)
        /// `DeleteSandbox`.
        public static let deleteSandbox = CNMRPC<Cnm_V1_DeleteSandboxRequest, Cnm_V1_DeleteSandboxResponse>(
            service: service, name: "DeleteSandbox")
    }

    /// `cnm.v1.EndpointService`.
    public enum Endpoint {
        static let service = "cnm.v1.EndpointService"
        /// `CreateEndpoint`.
        public static let createEndpoint = CNMRPC<
            Cnm_V1_CreateEndpointRequest, Cnm_V1_CreateEndpointResponse
        >(
            service: service, name: "CreateEndpoint")
        /// `GetEndpoint` (no side effects).
        public static let getEndpoint = CNMRPC<Cnm_V1_GetEndpointRequest, Cnm_V1_GetEndpointResponse>(
            service: service, name: "GetEndpoint", hasNoSideEffects: true)
        /// `ListEndpoints` (no side effects).
        public static let listEndpoints = CNMRPC<Cnm_V1_ListEndpointsRequest, Cnm_V1_ListEndpointsResponse>(
            service: service, name: "ListEndpoints", hasNoSideEffects: true)
        /// `DeleteEndpoint`.
        public static let deleteEndpoint = CNMRPC<
            Cnm_V1_DeleteEndpointRequest, Cnm_V1_DeleteEndpointResponse
        >(
            service: service, name: "DeleteEndpoint")
        /// `Join`.
        public static let join = CNMRPC<Cnm_V1_JoinRequest, Cnm_V1_JoinResponse>(
            service: service, name: "Join")
        /// `Leave`.
        public static let leave = CNMRPC<Cnm_V1_LeaveRequest, Cnm_V1_LeaveResponse>(
            service: service, name: "Leave")
    }

    /// `cnm.v1.SystemService`.
    public enum System {
        static let service = "cnm.v1.SystemService"
        /// `GetVersion` (no side effects).
        public static let getVersion = CNMRPC<Cnm_V1_GetVersionRequest, Cnm_V1_GetVersionResponse>(
            service: service, name: "GetVersion", hasNoSideEffects: true)
        /// `GetInfo` (no side effects).
        public static let getInfo = CNMRPC<Cnm_V1_GetInfoRequest, Cnm_V1_GetInfoResponse>(
            service: service, name: "GetInfo", hasNoSideEffects: true)
        /// `Health` (no side effects).
        public static let health = CNMRPC<Cnm_V1_HealthRequest, Cnm_V1_HealthResponse>(
            service: service, name: "Health", hasNoSideEffects: true)
        /// `WatchEvents` (server streaming: one `Cnm_V1_WatchEventsResponse` per event).
        public static let watchEvents = CNMRPC<Cnm_V1_WatchEventsRequest, Cnm_V1_WatchEventsResponse>(
            service: service, name: "WatchEvents", isStreaming: true)
    }

    /// Every RPC, in the order of the .proto files (network, sandbox, endpoint, system).
    public static let all: [CNMMethod] = [
        Network.createNetwork.method, Network.getNetwork.method, Network.listNetworks.method,
        Network.deleteNetwork.method, Network.pruneNetworks.method, Network.connectSandbox.method,
        Network.disconnectSandbox.method,
        Sandbox.createSandbox.method, Sandbox.getSandbox.method, Sandbox.listSandboxes.method,
        Sandbox.deleteSandbox.method,
        Endpoint.createEndpoint.method, Endpoint.getEndpoint.method, Endpoint.listEndpoints.method,
        Endpoint.deleteEndpoint.method, Endpoint.join.method, Endpoint.leave.method,
        System.getVersion.method, System.getInfo.method, System.health.method, System.watchEvents.method,
    ]

    /// Every RPC by its HTTP path, e.g. `"/cnm.v1.NetworkService/CreateNetwork"`.
    public static let byPath: [String: CNMMethod] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.path, $0) })

    /// The RPC served at `path` (e.g. `/cnm.v1.SystemService/Health`), or nil when there is none.
    public static func method(forPath path: String) -> CNMMethod? {
        byPath[path]
    }
}
