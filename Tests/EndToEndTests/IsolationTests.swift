import CNMAPI
import CNMClient
import Foundation
import Testing

/// What the nftables firewall enforces between and inside bridge networks.
@Suite("Isolation between and inside networks")
struct IsolationTests {
    @Test("sandboxes on different bridge networks cannot reach each other in either direction")
    func networksAreIsolated() async throws {
        try await TestDaemon.with { daemon in
            _ = try await daemon.createNetwork("neta")
            _ = try await daemon.createNetwork("netb")
            let a1 = daemon.sandbox("a1")
            let a2 = daemon.sandbox("a2")
            let b1 = daemon.sandbox("b1")
            let c1 = daemon.sandbox("c1")
            for (sandbox, network) in [(a1, "neta"), (a2, "neta"), (b1, "netb"), (c1, "bridge")] {
                try await daemon.checkCLI("sandbox", "create", "--network", network, sandbox)
            }
            let a1Address = try await daemon.address(of: a1, on: "neta")
            let a2Address = try await daemon.address(of: a2, on: "neta")
            let b1Address = try await daemon.address(of: b1, on: "netb")

            #expect(
                try await SandboxProbe(a1).ping(a2Address).succeeded,
                "members of one network reach each other")
            #expect(!(try await SandboxProbe(a1).ping(b1Address).succeeded), "A → B is dropped")
            #expect(!(try await SandboxProbe(b1).ping(a1Address).succeeded), "B → A is dropped")
            #expect(!(try await SandboxProbe(c1).ping(a1Address).succeeded), "default bridge → A is dropped")
        }
    }

    @Test("an internal network's sandboxes reach each other but no address outside their subnet")
    func internalNetworkHasNoWayOut() async throws {
        try await TestDaemon.with { daemon in
            _ = try await daemon.createNetwork("int", options: ["--internal"])
            let externalGateway = try await daemon.createNetwork("ext")
            // An address of cnmd's namespace outside every cnm subnet, standing in for "the outside"
            // (on a veth pair: this kernel has no dummy links).
            let outside = "198.51.100.1"
            let ip = ["ip", "-n", daemon.namespace]
            try await Command.check(
                ip + ["link", "add", "outside0", "type", "veth", "peer", "name", "outside1"])
            try await Command.check(ip + ["addr", "add", outside + "/32", "dev", "outside0"])
            try await Command.check(ip + ["link", "set", "outside0", "up"])
            try await Command.check(ip + ["link", "set", "outside1", "up"])

            let i1 = daemon.sandbox("i1")
            let i2 = daemon.sandbox("i2")
            let e1 = daemon.sandbox("e1")
            for (sandbox, network) in [(i1, "int"), (i2, "int"), (e1, "ext")] {
                try await daemon.checkCLI("sandbox", "create", "--network", network, sandbox)
            }
            let i2Address = try await daemon.address(of: i2, on: "int")
            let e1Address = try await daemon.address(of: e1, on: "ext")

            #expect(try await SandboxProbe(e1).ping(outside).succeeded, "a normal network's sandbox gets out")
            let internalProbe = SandboxProbe(i1)
            #expect(
                try await internalProbe.ping(i2Address).succeeded,
                "members of the internal network reach each other")
            #expect(try await internalProbe.getent(i2).standardOutput.hasPrefix(i2Address + " "))
            let toOutside = try await internalProbe.ping(outside)
            #expect(!toOutside.succeeded, "an internal sandbox reaches \(outside): \(toOutside)")
            let toGateway = try await internalProbe.ping(externalGateway)
            #expect(
                !toGateway.succeeded, "an internal sandbox reaches another network's gateway: \(toGateway)")
            #expect(!(try await internalProbe.ping(e1Address).succeeded))
        }
    }

    @Test("com.docker.network.bridge.enable_icc=false blocks traffic between two sandboxes of that network")
    func iccOff() async throws {
        try await TestDaemon.with { daemon in
            let bridgeNetfilter = try await daemon.exec(
                in: daemon.namespace, "test", "-d", "/proc/sys/net/bridge")
            try #require(
                bridgeNetfilter.succeeded,
                "the kernel lacks br_netfilter (/proc/sys/net/bridge is missing): icc=false cannot be enforced"
            )

            let gateway = try await daemon.createNetwork(
                "noicc", options: ["-o", "com.docker.network.bridge.enable_icc=false"])
            _ = try await daemon.createNetwork("icc")
            let n1 = daemon.sandbox("n1")
            let n2 = daemon.sandbox("n2")
            let m1 = daemon.sandbox("m1")
            let m2 = daemon.sandbox("m2")
            for (sandbox, network) in [(n1, "noicc"), (n2, "noicc"), (m1, "icc"), (m2, "icc")] {
                try await daemon.checkCLI("sandbox", "create", "--network", network, sandbox)
            }
            let n2Address = try await daemon.address(of: n2, on: "noicc")
            let m2Address = try await daemon.address(of: m2, on: "icc")

            #expect(
                try await SandboxProbe(m1).ping(m2Address).succeeded, "with icc on, members reach each other")
            let probe = SandboxProbe(n1)
            #expect(
                try await probe.ping(gateway).succeeded,
                "the icc=false sandbox is attached and reaches its gateway")
            let blocked = try await probe.ping(n2Address)
            #expect(!blocked.succeeded, "icc=false lets \(n1) reach \(n2): \(blocked)")
        }
    }
}
