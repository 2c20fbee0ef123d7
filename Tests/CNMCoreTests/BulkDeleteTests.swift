import Foundation
import Netlink
import Testing

@testable import CNMCore

/// Removing many kernel objects at once goes through one bulk request (a device group
/// delete); these check that exactly the right objects go.
@Suite("Bulk deletes")
struct BulkDeleteTests {
    @Test("pruning removes the bridges of every unused network and keeps those with endpoints")
    func pruneRemovesUnusedBridges() async throws {
        let harness = try await ControllerHarness()
        let controller = harness.controller
        var bridges: [String: String] = [:]
        for index in 0..<6 {
            let network = try await controller.createNetwork(
                NetworkCreateRequest(
                    name: "p\(index)", ipam: [IPAMConfigRequest(subnet: "10.80.\(index).0/24")]))
            bridges["p\(index)"] = "br-" + network.id.prefix(12)
        }
        let keeper = harness.name("keep")
        _ = try await controller.createSandbox(SandboxCreateRequest(name: keeper, network: "p0"))

        let pruned = try await controller.pruneNetworks()
        #expect(Set(pruned) == Set((1..<6).map { "p\($0)" }))
        let links = try harness.linkNames()
        #expect(links.contains(bridges["p0"]!), "the network with an endpoint keeps its bridge")
        for index in 1..<6 { #expect(!links.contains(bridges["p\(index)"]!)) }
        #expect(
            try harness.inSandbox(keeper, "ip", "-o", "-4", "addr", "show", "dev", "eth0").contains(
                "10.80.0.2"))
        let ruleset = try harness.inNamespace("nft", "list", "table", "inet", "cnm")
        for index in 1..<6 { #expect(!ruleset.contains(bridges["p\(index)"]!)) }
        #expect(ruleset.contains(bridges["p0"]!))
        await harness.close()
    }

    @Test(
        "deleting a sandbox whose namespace cnmd does not own removes all its veths and keeps the namespace")
    func externalSandboxDeleteRemovesAllVeths() async throws {
        let harness = try await ControllerHarness()
        let controller = harness.controller
        for index in 0..<4 {
            _ = try await controller.createNetwork(
                NetworkCreateRequest(
                    name: "x\(index)", ipam: [IPAMConfigRequest(subnet: "10.81.\(index).0/24")]))
        }
        let outside = harness.name("ext")
        try ControllerHarness.run("ip", "netns", "add", outside)
        defer { try? ControllerHarness.run("ip", "netns", "del", outside) }
        let sandbox = try await controller.createSandbox(
            SandboxCreateRequest(name: harness.name("extsb"), netnsPath: "/run/netns/\(outside)"))
        var hostSides: [String] = []
        for index in 0..<4 {
            hostSides.append(
                try await controller.connect(
                    network: "x\(index)", sandbox: sandbox.id, EndpointCreateRequest()
                )
                .hostInterfaceName)
        }
        #expect(try harness.linkNames().isSuperset(of: hostSides))

        try await controller.deleteSandbox(sandbox.id, force: true)
        #expect(try harness.linkNames().isDisjoint(with: hostSides))
        let inside = try harness.inSandbox(outside, "ip", "-o", "link")
        #expect(!inside.contains("eth"), "no interface of cnmd is left in the namespace: \(inside)")
        #expect(try await controller.listEndpoints().filter { $0.networkName.hasPrefix("x") }.isEmpty)
        await harness.close()
    }
}
