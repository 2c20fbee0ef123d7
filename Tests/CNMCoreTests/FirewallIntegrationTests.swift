import Foundation
import Testing

@testable import CNMCore

/// The controller driving nftables: isolation between networks and published ports.
@Suite("Firewall through the controller")
struct FirewallIntegrationTests {
    @Test("sandboxes on different networks cannot reach each other; on one network they can")
    func isolation() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(
            NetworkCreateRequest(name: "red", ipam: [IPAMConfigRequest(subnet: "10.88.1.0/24")]))
        _ = try await c.createNetwork(
            NetworkCreateRequest(name: "blue", ipam: [IPAMConfigRequest(subnet: "10.88.2.0/24")]))
        let r1 = harness.name("r1")
        let r2 = harness.name("r2")
        let b1 = harness.name("b1")
        _ = try await c.createSandbox(SandboxCreateRequest(name: r1, network: "red"))
        _ = try await c.createSandbox(SandboxCreateRequest(name: r2, network: "red"))
        _ = try await c.createSandbox(SandboxCreateRequest(name: b1, network: "blue"))
        #expect(harness.succeeds(inSandbox: r1, "ping", "-c1", "-W2", "10.88.1.3"))
        #expect(!harness.succeeds(inSandbox: r1, "ping", "-c1", "-W1", "10.88.2.2"))
        #expect(!harness.succeeds(inSandbox: b1, "ping", "-c1", "-W1", "10.88.1.2"))
        await harness.close()
    }

    @Test("a published TCP port reaches a listener inside the sandbox; a taken host port is refused")
    func publishedPort() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(
            NetworkCreateRequest(name: "web", ipam: [IPAMConfigRequest(subnet: "10.88.3.0/24")]))
        let server = harness.name("srv")
        let other = harness.name("other")
        _ = try await c.createSandbox(SandboxCreateRequest(name: server))
        _ = try await c.connect(
            network: "web", sandbox: server,
            EndpointCreateRequest(portBindings: [PortBindingSpec(hostPort: 18080, containerPort: 8000)]))
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        listener.arguments = [
            "netns", "exec", server, "timeout", "60", "python3", "-m", "http.server", "8000", "--bind",
            "0.0.0.0",
        ]
        listener.standardOutput = FileHandle.nullDevice
        listener.standardError = FileHandle.nullDevice
        try listener.run()
        // Foundation's waitUntilExit can spin after a kill on Linux; the listener also
        // ends by itself (timeout 60), so a kill without waiting is enough.
        defer { kill(listener.processIdentifier, SIGKILL) }
        var answered = false
        for _ in 0..<50 where !answered {
            answered =
                (try? harness.inNamespace(
                    "curl", "-s", "-o", "/dev/null", "--max-time", "1", "http://10.88.3.1:18080/"))
                != nil
            if !answered { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(answered, "the published port did not answer from the host namespace")
        _ = try await c.createSandbox(SandboxCreateRequest(name: other))
        let before = try await c.listEndpoints()
        await #expect(throws: CNMError.self) {
            _ = try await c.connect(
                network: "web", sandbox: other,
                EndpointCreateRequest(portBindings: [PortBindingSpec(hostPort: 18080, containerPort: 80)]))
        }
        #expect(try await c.listEndpoints() == before)
        #expect(
            !(try harness.linkNames().contains {
                $0.hasPrefix("veth") && !before.map(\.hostInterfaceName).contains($0)
            }))
        await harness.close()
    }

    @Test("after teardown no cnm element is left in the ruleset")
    func teardownLeavesNoElements() async throws {
        let harness = try await ControllerHarness()
        let c = harness.controller
        _ = try await c.createNetwork(
            NetworkCreateRequest(name: "tmp", ipam: [IPAMConfigRequest(subnet: "10.88.4.0/24")]))
        let s = harness.name("s")
        _ = try await c.createSandbox(SandboxCreateRequest(name: s))
        _ = try await c.connect(
            network: "tmp", sandbox: s,
            EndpointCreateRequest(portBindings: [PortBindingSpec(hostPort: 18081, containerPort: 80)]))
        let withNetwork = try harness.inNamespace("nft", "list", "table", "inet", "cnm")
        #expect(withNetwork.contains("10.88.4.0/24"))
        try await c.deleteSandbox(s, force: true)
        try await c.deleteNetwork("tmp")
        let after = try harness.inNamespace("nft", "list", "table", "inet", "cnm")
        #expect(!after.contains("10.88.4.0/24"))
        #expect(!after.contains("18081"))
        await harness.close()
    }
}
