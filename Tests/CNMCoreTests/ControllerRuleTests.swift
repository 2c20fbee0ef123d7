import Foundation
import Testing

@testable import CNMCore

/// The rules users rely on (DESIGN.md): each violation answers its code and message
/// and changes nothing.
@Suite("Controller rules")
struct ControllerRuleTests {
    /// Runs `body`, expects a CNMError with `code` whose message contains `text`,
    /// and checks that the networks, endpoints and sandboxes are unchanged.
    func expectRefusal(
        _ harness: ControllerHarness, _ code: CNMError.Code, _ text: String,
        _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await snapshot(harness.controller)
        do {
            try await body()
            Issue.record("expected \(code.rawValue) containing \"\(text)\"", sourceLocation: sourceLocation)
        } catch let error as CNMError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
        }
        let after = try await snapshot(harness.controller)
        #expect(before == after, "state changed", sourceLocation: sourceLocation)
    }

    struct Snapshot: Equatable {
        var networks: [NetworkInfo]
        var endpoints: [EndpointInfo]
        var sandboxes: [SandboxInfo]
    }

    func snapshot(_ controller: Controller) async throws -> Snapshot {
        Snapshot(
            networks: try await controller.listNetworks(), endpoints: try await controller.listEndpoints(),
            sandboxes: try await controller.listSandboxes())
    }

    @Test("the predefined networks exist and cannot be removed")
    func predefinedNetworks() async throws {
        let harness = try await ControllerHarness()
        let names = try await harness.controller.listNetworks().map(\.name)
        #expect(names == ["bridge", "host", "none"])
        for name in ["bridge", "host", "none"] {
            try await expectRefusal(
                harness, .permissionDenied, "\(name) is a pre-defined network and cannot be removed"
            ) {
                try await harness.controller.deleteNetwork(name)
            }
        }
        await harness.close()
    }

    @Test("network names are checked and unique")
    func networkNames() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(NetworkCreateRequest(name: "taken"))
        try await expectRefusal(harness, .alreadyExists, "network with name taken already exists") {
            _ = try await c.createNetwork(NetworkCreateRequest(name: "taken"))
        }
        try await expectRefusal(harness, .invalidArgument, "name is empty") {
            _ = try await c.createNetwork(NetworkCreateRequest(name: ""))
        }
        try await expectRefusal(harness, .invalidArgument, "bad/name") {
            _ = try await c.createNetwork(NetworkCreateRequest(name: "bad/name"))
        }
        try await expectRefusal(harness, .invalidArgument, String(repeating: "x", count: 65)) {
            _ = try await c.createNetwork(NetworkCreateRequest(name: String(repeating: "x", count: 65)))
        }
        try await expectRefusal(harness, .permissionDenied, "predefined host network") {
            _ = try await c.createNetwork(NetworkCreateRequest(name: "host"))
        }
        await harness.close()
    }

    @Test("drivers: unknown is invalid, known but absent is unimplemented")
    func drivers() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        try await expectRefusal(harness, .invalidArgument, "driver \"weird\"") {
            _ = try await c.createNetwork(NetworkCreateRequest(name: "x", driver: "weird"))
        }
        try await expectRefusal(harness, .unimplemented, "macvlan") {
            _ = try await c.createNetwork(NetworkCreateRequest(name: "x", driver: "macvlan"))
        }
        await harness.close()
    }

    @Test("bad IPAM and option values are invalid arguments naming the value")
    func badValues() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        try await expectRefusal(harness, .invalidArgument, "10.1.2.3/24") {
            _ = try await c.createNetwork(
                NetworkCreateRequest(name: "x", ipam: [IPAMConfigRequest(subnet: "10.1.2.3/24")]))
        }
        try await expectRefusal(harness, .invalidArgument, "not-a-cidr") {
            _ = try await c.createNetwork(
                NetworkCreateRequest(name: "x", ipam: [IPAMConfigRequest(subnet: "not-a-cidr")]))
        }
        try await expectRefusal(harness, .invalidArgument, "10.9.0.1") {
            _ = try await c.createNetwork(
                NetworkCreateRequest(
                    name: "x", ipam: [IPAMConfigRequest(subnet: "10.8.0.0/24", gateway: "10.9.0.1")]))
        }
        try await expectRefusal(harness, .invalidArgument, "99999") {
            _ = try await c.createNetwork(
                NetworkCreateRequest(name: "x", options: ["com.docker.network.driver.mtu": "99999"]))
        }
        await harness.close()
    }

    @Test("a subnet overlapping another network is refused naming both subnets")
    func overlap() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(
            NetworkCreateRequest(name: "a", ipam: [IPAMConfigRequest(subnet: "10.50.0.0/16")]))
        try await expectRefusal(harness, .failedPrecondition, "10.50.3.0/24") {
            _ = try await c.createNetwork(
                NetworkCreateRequest(name: "b", ipam: [IPAMConfigRequest(subnet: "10.50.3.0/24")]))
        }
        await harness.close()
    }

    @Test("automatic subnets skip host routes")
    func skipsHostRoutes() async throws {
        let harness = try await ControllerHarness()
        try harness.inNamespace("ip", "link", "add", "dummyx", "type", "bridge")
        try harness.inNamespace("ip", "addr", "add", "172.18.0.1/24", "dev", "dummyx")
        try harness.inNamespace("ip", "link", "set", "dummyx", "up")
        let network = try await harness.controller.createNetwork(NetworkCreateRequest(name: "auto"))
        #expect(network.ipam.first?.subnet == "172.18.1.0/24")
        try await expectRefusal(harness, .failedPrecondition, "172.18.0.0/24") {
            _ = try await harness.controller.createNetwork(
                NetworkCreateRequest(name: "clash", ipam: [IPAMConfigRequest(subnet: "172.18.0.0/24")]))
        }
        await harness.close()
    }

    @Test("a network with endpoints cannot be removed")
    func activeEndpoints() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(NetworkCreateRequest(name: "busy"))
        let s = harness.name("s")
        _ = try await c.createSandbox(SandboxCreateRequest(name: s, network: "busy"))
        try await expectRefusal(harness, .failedPrecondition, "network busy has active endpoints") {
            try await c.deleteNetwork("busy")
        }
        await harness.close()
    }

    @Test("connect twice is already_exists, disconnect when not connected is not_found")
    func connectTwice() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(NetworkCreateRequest(name: "n"))
        let s = harness.name("s")
        _ = try await c.createSandbox(SandboxCreateRequest(name: s, network: "n"))
        try await expectRefusal(harness, .alreadyExists, "sandbox \(s) is already connected to network n") {
            _ = try await c.connect(network: "n", sandbox: s, EndpointCreateRequest())
        }
        try await c.disconnect(network: "n", sandbox: s)
        try await expectRefusal(harness, .notFound, "is not connected to network n") {
            try await c.disconnect(network: "n", sandbox: s)
        }
        await harness.close()
    }

    @Test("a requested address in use is already_exists; one outside the subnet is invalid")
    func staticAddresses() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(
            NetworkCreateRequest(name: "n", ipam: [IPAMConfigRequest(subnet: "10.60.0.0/24")]))
        let a = harness.name("a")
        let b = harness.name("b")
        _ = try await c.createSandbox(SandboxCreateRequest(name: a))
        _ = try await c.createSandbox(SandboxCreateRequest(name: b))
        let first = try await c.connect(
            network: "n", sandbox: a, EndpointCreateRequest(ipv4Address: "10.60.0.50"))
        #expect(first.ipv4Address == "10.60.0.50/24")
        try await expectRefusal(harness, .alreadyExists, "10.60.0.50") {
            _ = try await c.connect(
                network: "n", sandbox: b, EndpointCreateRequest(ipv4Address: "10.60.0.50"))
        }
        try await expectRefusal(harness, .invalidArgument, "10.61.0.5") {
            _ = try await c.connect(network: "n", sandbox: b, EndpointCreateRequest(ipv4Address: "10.61.0.5"))
        }
        await harness.close()
    }

    @Test("a full subnet is resource_exhausted")
    func exhaustion() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(
            NetworkCreateRequest(name: "tiny", ipam: [IPAMConfigRequest(subnet: "10.70.0.0/30")]))
        _ = try await c.createEndpoint(network: "tiny", EndpointCreateRequest(name: "one"))
        try await expectRefusal(harness, .resourceExhausted, "10.70.0.0/30") {
            _ = try await c.createEndpoint(network: "tiny", EndpointCreateRequest(name: "two"))
        }
        await harness.close()
    }

    @Test("objects are found by name, full ID and unique ID prefix; an ambiguous prefix is invalid")
    func lookup() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        let network = try await c.createNetwork(NetworkCreateRequest(name: "findme"))
        #expect(try await c.network(network.id).name == "findme")
        #expect(try await c.network(String(network.id.prefix(12))).name == "findme")
        #expect(try await c.network("findme").id == network.id)
        try await expectRefusal(harness, .notFound, "network nosuch not found") {
            _ = try await c.network("nosuch")
        }
        let all = try await c.listNetworks().map(\.id)
        let shared = (1...16).lazy.map { length in all.map { String($0.prefix(length)) } }.first { prefixes in
            Dictionary(grouping: prefixes, by: { $0 }).contains { $0.value.count > 1 }
        }
        if let shared,
            let ambiguous = Dictionary(grouping: shared, by: { $0 }).first(where: { $0.value.count > 1 })?.key
        {
            try await expectRefusal(harness, .invalidArgument, "ambiguous") {
                _ = try await c.network(ambiguous)
            }
        }
        await harness.close()
    }

    @Test("host and none sandboxes cannot join other networks")
    func hostAndNone() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(NetworkCreateRequest(name: "n"))
        let h = harness.name("h")
        let z = harness.name("z")
        _ = try await c.createSandbox(SandboxCreateRequest(name: h, network: "host"))
        _ = try await c.createSandbox(SandboxCreateRequest(name: z, network: "none"))
        try await expectRefusal(harness, .failedPrecondition, "host") {
            _ = try await c.connect(network: "n", sandbox: h, EndpointCreateRequest())
        }
        try await expectRefusal(harness, .failedPrecondition, "none") {
            _ = try await c.connect(network: "n", sandbox: z, EndpointCreateRequest())
        }
        #expect(try harness.inSandbox(z, "ip", "-o", "link").contains("lo:"))
        await harness.close()
    }

    @Test("a sandbox namespace that exists but was not made by cnmd is already_exists naming the path")
    func foreignNamespace() async throws {
        let harness = try await ControllerHarness()
        let name = harness.name("foreign")
        try ControllerHarness.run("ip", "netns", "add", name)
        try await expectRefusal(harness, .alreadyExists, "/run/netns/\(name)") {
            _ = try await harness.controller.createSandbox(SandboxCreateRequest(name: name))
        }
        try ControllerHarness.run("ip", "netns", "del", name)
        await harness.close()
    }

    @Test("a restarted controller on the same state directory sees the same model")
    func restartSeesSameModel() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(NetworkCreateRequest(name: "kept", labels: ["team": "a"]))
        let s = harness.name("kept")
        _ = try await c.createSandbox(SandboxCreateRequest(name: s, network: "kept"))
        let before = try await snapshot(c)
        let restarted = try await harness.restarted()
        let after = try await snapshot(restarted)
        #expect(before == after)
        let report = try #require(await restarted.info().lastReconcile)
        #expect(report.repaired.isEmpty, "\(report.repaired)")
        let next = harness.name("next")
        _ = try await restarted.createSandbox(SandboxCreateRequest(name: next))
        let endpoint = try await restarted.connect(network: "kept", sandbox: next, EndpointCreateRequest())
        #expect(endpoint.ipv4Address != after.endpoints.first?.ipv4Address)
        try await restarted.deleteSandbox(next, force: true)
        await harness.close()
    }
}
