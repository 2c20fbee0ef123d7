import Foundation
import Testing

@testable import CNMCore

/// The bridge driver on a real kernel: bridges, veths, addresses, routes, traffic.
@Suite("Bridge networks in the kernel")
struct BridgeNetworkTests {
    @Test(
        "creating a network makes its bridge with the gateway address on it and, without IPv6 subnets, IPv6 off"
    )
    func bridgeHasGateway() async throws {
        let harness = try await ControllerHarness()
        let network = try await harness.controller.createNetwork(
            NetworkCreateRequest(name: "front", ipam: [IPAMConfigRequest(subnet: "10.77.1.0/24")]))
        let bridge = "br-" + network.id.prefix(12)
        #expect(try harness.linkNames().contains(bridge))
        let addresses = try harness.inNamespace("ip", "-o", "addr", "show", "dev", bridge)
        #expect(addresses.contains("10.77.1.1/24"))
        #expect(network.ipam.first?.gateway == "10.77.1.1")
        // An IPv4-only network's bridge has IPv6 off, as Docker's do.
        #expect(try harness.inNamespace("cat", "/proc/sys/net/ipv6/conf/\(bridge)/disable_ipv6") == "1\n")
        await harness.close()
    }

    @Test("two connected sandboxes get addresses and default routes and ping each other")
    func sandboxesPingEachOther() async throws {
        let harness = try await ControllerHarness()
        let controller = harness.controller
        _ = try await controller.createNetwork(
            NetworkCreateRequest(name: "app", ipam: [IPAMConfigRequest(subnet: "10.77.2.0/24")]))
        let a = harness.name("a")
        let b = harness.name("b")
        _ = try await controller.createSandbox(SandboxCreateRequest(name: a, network: "app"))
        _ = try await controller.createSandbox(SandboxCreateRequest(name: b))
        let endpointB = try await controller.connect(network: "app", sandbox: b, EndpointCreateRequest())
        #expect(endpointB.ipv4Address == "10.77.2.3/24")
        #expect(endpointB.interfaceName == "eth0")

        let addressA = try harness.inSandbox(a, "ip", "-o", "-4", "addr", "show", "dev", "eth0")
        #expect(addressA.contains("10.77.2.2/24"))
        let routeB = try harness.inSandbox(b, "ip", "route", "show", "default")
        #expect(routeB.contains("default via 10.77.2.1 dev eth0"))
        #expect(harness.succeeds(inSandbox: a, "ping", "-c1", "-W2", "10.77.2.3"))
        #expect(harness.succeeds(inSandbox: b, "ping", "-c1", "-W2", "10.77.2.2"))
        await harness.close()
    }

    @Test("the default route passes to the next network only when the network that gave it is left")
    func defaultRouteHandOver() async throws {
        let harness = try await ControllerHarness()
        let controller = harness.controller
        for (index, name) in ["first", "second", "third"].enumerated() {
            _ = try await controller.createNetwork(
                NetworkCreateRequest(
                    name: name, ipam: [IPAMConfigRequest(subnet: "10.77.\(20 + index).0/24")]))
        }
        let s = harness.name("route")
        _ = try await controller.createSandbox(SandboxCreateRequest(name: s, network: "first"))
        _ = try await controller.connect(network: "second", sandbox: s, EndpointCreateRequest())
        _ = try await controller.connect(network: "third", sandbox: s, EndpointCreateRequest())
        func defaultRoutes() throws -> [Substring] {
            try harness.inSandbox(s, "ip", "route", "show", "default").split(separator: "\n")
        }
        #expect(try defaultRoutes().map { $0.contains("via 10.77.20.1") } == [true])
        // Leaving a network that did not give the route changes nothing.
        try await controller.disconnect(network: "third", sandbox: s)
        #expect(try defaultRoutes().map { $0.contains("via 10.77.20.1") } == [true])
        // Leaving the one that gave it hands the route to the next one joined.
        try await controller.disconnect(network: "first", sandbox: s)
        #expect(try defaultRoutes().map { $0.contains("via 10.77.21.1") } == [true])
        await harness.close()
    }

    @Test("disconnecting removes the veth from the kernel and frees the address")
    func disconnectRemovesVeth() async throws {
        let harness = try await ControllerHarness()
        let controller = harness.controller
        _ = try await controller.createNetwork(
            NetworkCreateRequest(name: "net", ipam: [IPAMConfigRequest(subnet: "10.77.3.0/24")]))
        let s = harness.name("s")
        _ = try await controller.createSandbox(SandboxCreateRequest(name: s))
        let endpoint = try await controller.connect(network: "net", sandbox: s, EndpointCreateRequest())
        #expect(try harness.linkNames().contains(endpoint.hostInterfaceName))
        try await controller.disconnect(network: "net", sandbox: s)
        #expect(!(try harness.linkNames().contains(endpoint.hostInterfaceName)))
        #expect(!(try harness.inSandbox(s, "ip", "-o", "link").contains("eth0")))
        let again = try await controller.connect(network: "net", sandbox: s, EndpointCreateRequest())
        #expect(again.ipv4Address == endpoint.ipv4Address)
        await harness.close()
    }

    @Test("deleting a network removes its bridge")
    func deleteRemovesBridge() async throws {
        let harness = try await ControllerHarness()
        let network = try await harness.controller.createNetwork(NetworkCreateRequest(name: "gone"))
        let bridge = "br-" + network.id.prefix(12)
        #expect(try harness.linkNames().contains(bridge))
        try await harness.controller.deleteNetwork("gone")
        #expect(!(try harness.linkNames().contains(bridge)))
        await harness.close()
    }

    @Test("deleting a sandbox with force removes its namespace and every host-side veth")
    func deleteSandboxRemovesAll() async throws {
        let harness = try await ControllerHarness()
        let controller = harness.controller
        _ = try await controller.createNetwork(NetworkCreateRequest(name: "n1"))
        _ = try await controller.createNetwork(NetworkCreateRequest(name: "n2"))
        let s = harness.name("multi")
        _ = try await controller.createSandbox(SandboxCreateRequest(name: s, network: "n1"))
        let second = try await controller.connect(network: "n2", sandbox: s, EndpointCreateRequest())
        #expect(second.interfaceName == "eth1")
        await #expect(throws: CNMError.self) { try await controller.deleteSandbox(s) }
        try await controller.deleteSandbox(s, force: true)
        let vethsLeft = try harness.linkNames().filter { $0.hasPrefix("veth") }
        #expect(vethsLeft.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(s)"))
        #expect(
            try await controller.listEndpoints().filter { $0.networkName == "n1" || $0.networkName == "n2" }
                .isEmpty)
        await harness.close()
    }

    @Test("a sandbox on the default bridge gets an address from 172.17.0.0/16 and the hosts file names it")
    func defaultBridge() async throws {
        let harness = try await ControllerHarness()
        let s = harness.name("d")
        let sandbox = try await harness.controller.createSandbox(
            SandboxCreateRequest(name: s, network: "bridge"))
        let endpoint = try #require(
            try await harness.controller.listEndpoints(filters: ["sandbox": [s]]).first)
        #expect(endpoint.ipv4Address == "172.17.0.2/16")
        #expect(try harness.linkNames().contains("cnm0"))
        let hosts = try String(contentsOfFile: sandbox.hostsPath, encoding: .utf8)
        #expect(hosts.contains("172.17.0.2\t\(s)"))
        await harness.close()
    }
}

@Suite("Host-side interface names")
struct HostInterfaceNameTests {
    @Test("an endpoint has nine distinct host-side names, veth and 7 hex digits, its ID's first 7 first")
    func candidates() {
        let id = String(repeating: "0123456789abcdef", count: 4)
        let endpoint = EndpointRecord(
            id: id, name: "e", networkID: "n", sandboxID: nil, ipv4: nil, ipv6: nil, macAddress: "",
            aliases: [],
            links: [], portBindings: [], interfaceName: nil, hostInterfaceName: nil, createdAt: Date())
        let names = BridgeDriver.hostNames(endpoint)
        #expect(names.first == "veth0123456")
        #expect(names.count == 9)
        #expect(Set(names).count == 9)
        #expect(names.allSatisfy { $0.count == 11 && $0.hasPrefix("veth") })
    }
}
