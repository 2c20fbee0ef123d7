import CNMAPI
import CNMCore

/// `cnm.v1.EndpointService` on the controller.
struct EndpointServiceBinding: Sendable {
    let controller: Controller

    func register(in router: inout ConnectRouter) {
        let controller = self.controller
        router.unary(CNMMethods.Endpoint.createEndpoint) { request in
            let info = try await controller.createEndpoint(
                network: request.network,
                EndpointCreateRequest(
                    name: request.name, ipv4Address: request.ipv4Address, ipv6Address: request.ipv6Address,
                    macAddress: request.macAddress, aliases: request.aliases,
                    portBindings: APIMapping.portBindings(request.portBindings)))
            return Cnm_V1_CreateEndpointResponse.with { $0.endpoint = APIMapping.endpoint(info) }
        }
        router.unary(CNMMethods.Endpoint.getEndpoint) { request in
            let info = try await controller.endpoint(request.endpoint)
            return Cnm_V1_GetEndpointResponse.with { $0.endpoint = APIMapping.endpoint(info) }
        }
        router.unary(CNMMethods.Endpoint.listEndpoints) { request in
            let endpoints = try await controller.listEndpoints(filters: APIMapping.filters(request.filters))
            return Cnm_V1_ListEndpointsResponse.with { $0.endpoints = endpoints.map(APIMapping.endpoint) }
        }
        router.unary(CNMMethods.Endpoint.deleteEndpoint) { request in
            try await controller.deleteEndpoint(request.endpoint, force: request.force)
            return Cnm_V1_DeleteEndpointResponse()
        }
        router.unary(CNMMethods.Endpoint.join) { request in
            let info = try await controller.join(
                endpoint: request.endpoint, sandbox: request.sandbox, interfaceName: request.interfaceName)
            return Cnm_V1_JoinResponse.with { $0.endpoint = APIMapping.endpoint(info) }
        }
        router.unary(CNMMethods.Endpoint.leave) { request in
            let info = try await controller.leave(endpoint: request.endpoint, sandbox: request.sandbox)
            return Cnm_V1_LeaveResponse.with { $0.endpoint = APIMapping.endpoint(info) }
        }
    }
}
