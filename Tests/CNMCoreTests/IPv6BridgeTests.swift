import Foundation
import Testing

@testable import CNMCore

/// Dual-stack bridge networks in the kernel.
@Suite("IPv6 on bridge networks")
struct IPv6BridgeTests {
    @Test(
        "sandboxes on a dual-stack network reach each other and the gateway over IPv6 right after connect; host-side ports carry no IPv6 state"
    )
    func dualStackPing() async throws {
        let harness = try await ControllerHarness()
        let controller = harness.controller
        let network = try await controller.createNetwork(
            NetworkCreateRequest(
                name: "six",
                ipam: [
                    IPAMConfigRequest(subnet: "10.77.9.0/24"), IPAMConfigRequest(subnet: "fd00:77:9::/64"),
                ],
                enableIPv6: true))
        let a = harness.name("a")
        let b = harness.name("b")
        _ = try await controller.createSandbox(SandboxCreateRequest(name: a, network: "six"))
        _ = try await controller.createSandbox(SandboxCreateRequest(name: b))
        let endpointB = try await controller.connect(network: "six", sandbox: b, EndpointCreateRequest())
        #expect(endpointB.ipv6Address.hasPrefix("fd00:77:9::"))
        #expect(endpointB.gatewayIPv6 == "fd00:77:9::1")
        // No waiting: addresses skip duplicate address detection, so none is "tentative".
        let global = try harness.inSandbox(b, "ip", "-6", "addr", "show", "dev", "eth0", "scope", "global")
        #expect(global.contains(endpointB.ipv6Address) && !global.contains("tentative"), "\(global)")
        let addressB = String(endpointB.ipv6Address.split(separator: "/")[0])
        #expect(harness.succeeds(inSandbox: a, "ping", "-6", "-c1", "-W2", addressB))
        #expect(harness.succeeds(inSandbox: a, "ping", "-6", "-c1", "-W2", "fd00:77:9::1"))
        let route = try harness.inSandbox(b, "ip", "-6", "route", "show", "default")
        #expect(route.contains("via fd00:77:9::1 dev eth0"))

        let bridge = "br-" + network.id.prefix(12)
        #expect(try harness.inNamespace("cat", "/proc/sys/net/ipv6/conf/\(bridge)/disable_ipv6") == "0\n")
        let ports = try harness.inNamespace("ip", "-o", "link", "show", "master", bridge)
        let names = ports.split(separator: "\n").map { line in
            String(
                line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces).split(separator: "@")[0])
        }
        #expect(names.count == 2)
        for name in names {
            // Ports carry no IPv6 state at all: no address, no route in any table.
            #expect(try harness.inNamespace("ip", "-6", "addr", "show", "dev", name).isEmpty)
            #expect(try harness.inNamespace("ip", "-6", "route", "show", "table", "all", "dev", name).isEmpty)
            #expect(try harness.inNamespace("cat", "/proc/sys/net/ipv6/conf/\(name)/disable_ipv6") == "1\n")
        }
        #expect(try harness.inSandbox(b, "ip", "-6", "addr", "show", "dev", "eth0").contains("fe80::"))
        await harness.close()
    }
}
