import CNMAPI
import CNMCore

/// `cnm.v1.SandboxService` on the controller.
struct SandboxServiceBinding: Sendable {
    let controller: Controller

    func register(in router: inout ConnectRouter) {
        let controller = self.controller
        router.unary(CNMMethods.Sandbox.createSandbox) { request in
            let info = try await controller.createSandbox(
                SandboxCreateRequest(
                    name: request.name, hostname: request.hostname, network: request.network,
                    netnsPath: request.netnsPath, dnsNameservers: request.dns.nameservers,
                    dnsSearch: request.dns.search, dnsOptions: request.dns.options,
                    extraHosts: request.extraHosts))
            return Cnm_V1_CreateSandboxResponse.with { $0.sandbox = APIMapping.sandbox(info) }
        }
        router.unary(CNMMethods.Sandbox.getSandbox) { request in
            let info = try await controller.sandbox(request.sandbox)
            return Cnm_V1_GetSandboxResponse.with { $0.sandbox = APIMapping.sandbox(info) }
        }
        router.unary(CNMMethods.Sandbox.listSandboxes) { request in
            let sandboxes = try await controller.listSandboxes(filters: APIMapping.filters(request.filters))
            return Cnm_V1_ListSandboxesResponse.with { $0.sandboxes = sandboxes.map(APIMapping.sandbox) }
        }
        router.unary(CNMMethods.Sandbox.deleteSandbox) { request in
            try await controller.deleteSandbox(request.sandbox, force: request.force)
            return Cnm_V1_DeleteSandboxResponse()
        }
    }
}
