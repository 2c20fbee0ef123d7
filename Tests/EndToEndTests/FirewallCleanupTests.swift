import CNMAPI
import CNMClient
import Foundation
import Testing

@Suite("The nftables table after teardown")
struct FirewallCleanupTests {
    @Test("after every sandbox and network is deleted, no element of theirs is left in table inet cnm")
    func noElementLeft() async throws {
        try await TestDaemon.with { daemon in
            let baseline = try await KernelView.cnmTableElements(in: daemon.namespace)
            let leftovers = baseline.values.joined().filter { !$0.contains("cnm0") }
            #expect(leftovers.isEmpty, "a fresh cnmd's table holds only the default bridge: \(leftovers)")

            var bridges: [String] = []
            for (name, options) in [
                ("web", []), ("int", ["--internal"]),
                ("noicc", ["-o", "com.docker.network.bridge.enable_icc=false"]),
            ] {
                let gateway = try await daemon.createNetwork(name, options: options)
                let bridge = try await KernelView.interface(holding: gateway, in: daemon.namespace)
                bridges.append(try #require(bridge?.name))
            }
            let sandboxes = [
                daemon.sandbox("w"), daemon.sandbox("i"), daemon.sandbox("n"), daemon.sandbox("b"),
            ]
            for sandbox in sandboxes { try await daemon.checkCLI("sandbox", "create", sandbox) }
            try await daemon.checkCLI(
                "network", "connect", "-p", "8080:80", "-p", "5353:53/udp", "web", sandboxes[0])
            try await daemon.checkCLI("network", "connect", "int", sandboxes[1])
            try await daemon.checkCLI("network", "connect", "noicc", sandboxes[2])
            try await daemon.checkCLI("network", "connect", "-p", "127.0.0.1:9090:90", "bridge", sandboxes[3])

            // Something to clean up: each bridge and each published port is in the table.
            let busy = try await KernelView.cnmTableElements(in: daemon.namespace).values.joined()
            for mark in bridges.map({ "\"\($0)\"" }) + ["8080", "5353", "9090"] {
                #expect(busy.contains { $0.contains(mark) }, "no element holds \(mark): \(busy)")
            }

            try await daemon.checkCLI(["sandbox", "rm", "-f"] + sandboxes)
            try await daemon.checkCLI("network", "rm", "web", "int", "noicc")
            let after = try await KernelView.cnmTableElements(in: daemon.namespace)
            #expect(after == baseline, "elements left behind: \(after)")
        }
    }
}
