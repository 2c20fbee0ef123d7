import CNMAPI
import CNMClient
import Foundation
import Testing

@Suite("cnmd through the Swift SDK")
struct ClientRPCTests {
    @Test(
        "every RPC of the API answers through CNMClient against the real cnmd, and each change shows in the kernel"
    )
    func everyRPC() async throws {
        try await TestDaemon.with { daemon in
            let rpc = RPCRecorder(daemon.client)
            let started = Date()

            // SystemService
            let version = try await rpc(CNMMethods.System.getVersion, .init())
            #expect(!version.version.isEmpty)
            #expect(version.apiVersion == "v1")
            #expect(try await rpc(CNMMethods.System.health, .init()).status == "SERVING")
            let info = try await rpc(CNMMethods.System.getInfo, .init())
            #expect(info.networks == 3, "bridge, host and none")
            #expect(info.sandboxes == 0)
            #expect(info.drivers.contains("bridge"))
            #expect(info.stateDir == daemon.stateDirectory)

            // NetworkService: create, get by ID prefix, list by label
            var createNetwork = Cnm_V1_CreateNetworkRequest()
            createNetwork.name = "web"
            createNetwork.labels = ["tier": "front"]
            let network = try await rpc(CNMMethods.Network.createNetwork, createNetwork).network
            #expect(Checks.isHex(network.id, count: 64))
            #expect(network.driver == "bridge")
            #expect(network.scope == "local")
            let config = try #require(network.ipam.configs.first)
            let prefix = try #require(config.subnet.split(separator: "/").last)
            let bridge = try #require(
                try await KernelView.interface(holding: config.gateway, in: daemon.namespace),
                "the gateway \(config.gateway) is on no interface of cnmd's namespace")
            #expect(bridge.kind == "bridge")

            var getNetwork = Cnm_V1_GetNetworkRequest()
            getNetwork.network = String(network.id.prefix(12))
            #expect(try await rpc(CNMMethods.Network.getNetwork, getNetwork).network == network)
            var listNetworks = Cnm_V1_ListNetworksRequest()
            listNetworks.filters = Checks.filters(["label": "tier=front"])
            #expect(
                try await rpc(CNMMethods.Network.listNetworks, listNetworks).networks.map(\.name) == ["web"])

            // SandboxService: create, get, list
            let name = daemon.sandbox("app")
            var createSandbox = Cnm_V1_CreateSandboxRequest()
            createSandbox.name = name
            let sandbox = try await rpc(CNMMethods.Sandbox.createSandbox, createSandbox).sandbox
            #expect(sandbox.netnsPath == "/run/netns/\(name)")
            #expect(!sandbox.external)
            #expect(try await KernelView.namespaceIsLive(name))
            var getSandbox = Cnm_V1_GetSandboxRequest()
            getSandbox.sandbox = name
            #expect(try await rpc(CNMMethods.Sandbox.getSandbox, getSandbox).sandbox.id == sandbox.id)
            #expect(
                try await rpc(CNMMethods.Sandbox.listSandboxes, .init()).sandboxes.map(\.name) == [name])

            // EndpointService: create, get, list, join, leave, delete
            var createEndpoint = Cnm_V1_CreateEndpointRequest()
            createEndpoint.network = "web"
            createEndpoint.name = "ep"
            let endpoint = try await rpc(CNMMethods.Endpoint.createEndpoint, createEndpoint).endpoint
            #expect(endpoint.sandboxID.isEmpty)
            #expect(endpoint.networkID == network.id)
            #expect(endpoint.ipv4Address.hasSuffix("/\(prefix)"))
            var getEndpoint = Cnm_V1_GetEndpointRequest()
            getEndpoint.endpoint = endpoint.id
            #expect(try await rpc(CNMMethods.Endpoint.getEndpoint, getEndpoint).endpoint.name == "ep")
            var listEndpoints = Cnm_V1_ListEndpointsRequest()
            listEndpoints.filters = Checks.filters(["network": "web"])
            #expect(
                try await rpc(CNMMethods.Endpoint.listEndpoints, listEndpoints).endpoints.map(\.id)
                    == [endpoint.id])

            var join = Cnm_V1_JoinRequest()
            join.endpoint = endpoint.id
            join.sandbox = name
            join.interfaceName = "eth5"
            let joined = try await rpc(CNMMethods.Endpoint.join, join).endpoint
            #expect(joined.sandboxID == sandbox.id)
            #expect(joined.interfaceName == "eth5")
            let inside = try await KernelView.interfaces(in: name)
            #expect(inside.first { $0.name == "eth5" }?.ipv4 == [endpoint.ipv4Address])
            #expect(try await SandboxProbe(name).ping(config.gateway).succeeded)

            var leave = Cnm_V1_LeaveRequest()
            leave.endpoint = endpoint.id
            leave.sandbox = name
            #expect(try await rpc(CNMMethods.Endpoint.leave, leave).endpoint.sandboxID.isEmpty)
            #expect(try await KernelView.interfaces(in: name).allSatisfy { $0.name != "eth5" })

            var deleteEndpoint = Cnm_V1_DeleteEndpointRequest()
            deleteEndpoint.endpoint = endpoint.id
            _ = try await rpc(CNMMethods.Endpoint.deleteEndpoint, deleteEndpoint)
            await #expect(throws: CNMError.self) {
                _ = try await daemon.client.getEndpoint(getEndpoint)
            }

            // NetworkService: connect and disconnect
            var connect = Cnm_V1_ConnectSandboxRequest()
            connect.network = "web"
            connect.sandbox = name
            connect.endpointConfig.aliases = ["api"]
            let connected = try await rpc(CNMMethods.Network.connectSandbox, connect).endpoint
            #expect(connected.name == name, "ConnectSandbox names the endpoint after the sandbox")
            #expect(connected.sandboxID == sandbox.id)
            #expect(connected.aliases.contains("api"))
            #expect(
                try await KernelView.interfaces(in: name).contains { $0.ipv4 == [connected.ipv4Address] })
            var disconnect = Cnm_V1_DisconnectSandboxRequest()
            disconnect.network = "web"
            disconnect.sandbox = name
            _ = try await rpc(CNMMethods.Network.disconnectSandbox, disconnect)
            #expect(
                try await KernelView.interfaces(in: name).allSatisfy { $0.ipv4.isEmpty || $0.name == "lo" })

            // SandboxService: delete
            var deleteSandbox = Cnm_V1_DeleteSandboxRequest()
            deleteSandbox.sandbox = name
            _ = try await rpc(CNMMethods.Sandbox.deleteSandbox, deleteSandbox)
            #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(name)"))

            // NetworkService: delete, prune
            var deleteNetwork = Cnm_V1_DeleteNetworkRequest()
            deleteNetwork.network = "web"
            _ = try await rpc(CNMMethods.Network.deleteNetwork, deleteNetwork)
            #expect(try await KernelView.interface(holding: config.gateway, in: daemon.namespace) == nil)
            var spare = Cnm_V1_CreateNetworkRequest()
            spare.name = "spare"
            _ = try await daemon.client.createNetwork(spare)
            let pruned = try await rpc(CNMMethods.Network.pruneNetworks, .init())
            #expect(pruned.networksDeleted == ["spare"])
            #expect(
                try await daemon.client.listNetworks().networks.map(\.name).sorted() == [
                    "bridge", "host", "none",
                ])

            // SystemService: the events of all this, replayed since the start, then a live one
            try await expectEvents(rpc, since: started, daemon: daemon)

            #expect(rpc.called == Set(CNMMethods.all.map(\.path)), "every RPC of CNMMethods.all was called")
        }
    }

    /// Replays the events since `since` and checks that the life cycle above appears in order,
    /// then checks that an event made afterwards arrives on the same stream.
    private func expectEvents(_ rpc: RPCRecorder, since: Date, daemon: TestDaemon) async throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let request = try Cnm_V1_WatchEventsRequest(
            jsonString: #"{"since": "\#(formatter.string(from: since))"}"#)
        let stream = rpc.stream(
            CNMMethods.System.watchEvents, request, options: CNMCallOptions(timeout: .seconds(20)))
        var iterator = stream.makeAsyncIterator()
        var seen: [String] = []
        while let response = try await iterator.next() {
            let event = response.event
            seen.append("\(event.type) \(event.action) \(event.actor.name)")
            if seen.last == "network delete spare" { break }
        }
        let name = daemon.sandbox("app")
        let expected = [
            "network create web", "sandbox create \(name)", "endpoint create ep", "endpoint join ep",
            "endpoint leave ep", "endpoint delete ep", "network connect web", "network disconnect web",
            "sandbox delete \(name)", "network delete web", "network create spare", "network delete spare",
        ]
        var remaining = expected[...]
        for event in seen where event == remaining.first { remaining.removeFirst() }
        #expect(remaining.isEmpty, "events missing or out of order: \(Array(remaining)); seen: \(seen)")

        var late = Cnm_V1_CreateNetworkRequest()
        late.name = "late"
        _ = try await daemon.client.createNetwork(late)
        let next = try await iterator.next()
        #expect(
            next.map { "\($0.event.type) \($0.event.action) \($0.event.actor.name)" } == "network create late"
        )
    }
}
