import CNMAPI
import CNMCore

/// `cnm.v1.NetworkService` on the controller.
struct NetworkServiceBinding: Sendable {
    let controller: Controller

    func register(in router: inout ConnectRouter) {
        let controller = self.controller
        router.unary(CNMMethods.Network.createNetwork) { request in
            let info = try await controller.createNetwork(
                NetworkCreateRequest(
                    name: request.name, driver: request.driver, ipam: APIMapping.ipamConfigs(request.ipam),
                    isInternal: request.internal, enableIPv6: request.enableIpv6, labels: request.labels,
                    options: request.options))
            return Cnm_V1_CreateNetworkResponse.with { $0.network = APIMapping.network(info) }
        }
        router.unary(CNMMethods.Network.getNetwork) { request in
            let info = try await controller.network(request.network)
            return Cnm_V1_GetNetworkResponse.with { $0.network = APIMapping.network(info) }
        }
        router.unary(CNMMethods.Network.listNetworks) { request in
            let networks = try await controller.listNetworks(filters: APIMapping.filters(request.filters))
            return Cnm_V1_ListNetworksResponse.with { $0.networks = networks.map(APIMapping.network) }
        }
        router.unary(CNMMethods.Network.deleteNetwork) { request in
            try await controller.deleteNetwork(request.network)
            return Cnm_V1_DeleteNetworkResponse()
        }
        router.unary(CNMMethods.Network.pruneNetworks) { request in
            let deleted = try await controller.pruneNetworks(filters: APIMapping.filters(request.filters))
            return Cnm_V1_PruneNetworksResponse.with { $0.networksDeleted = deleted }
        }
        router.unary(CNMMethods.Network.connectSandbox) { request in
            let config = request.endpointConfig
            let info = try await controller.connect(
                network: request.network, sandbox: request.sandbox,
                EndpointCreateRequest(
                    ipv4Address: config.ipv4Address, ipv6Address: config.ipv6Address,
                    macAddress: config.macAddress,
                    aliases: config.aliases, links: config.links,
                    portBindings: APIMapping.portBindings(config.portBindings)))
            return Cnm_V1_ConnectSandboxResponse.with { $0.endpoint = APIMapping.endpoint(info) }
        }
        router.unary(CNMMethods.Network.disconnectSandbox) { request in
            try await controller.disconnect(
                network: request.network, sandbox: request.sandbox, force: request.force)
            return Cnm_V1_DisconnectSandboxResponse()
        }
    }
}
