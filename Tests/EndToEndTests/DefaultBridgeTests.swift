import CNMAPI
import CNMClient
import Foundation
import Testing

/// The seed's scenario: on the default `bridge` network sandboxes reach each other by IP but
/// not by name, unless they are linked.
@Suite("The default bridge network")
struct DefaultBridgeTests {
    @Test("on the default bridge two sandboxes ping each other by IP but cannot resolve each other's names")
    func noNamesOnDefaultBridge() async throws {
        try await TestDaemon.with { daemon in
            let first = daemon.sandbox("test1")
            let second = daemon.sandbox("test2")
            try await daemon.checkCLI("sandbox", "create", first)
            try await daemon.checkCLI("network", "connect", "bridge", first)
            try await daemon.checkCLI("sandbox", "create", "--network", "bridge", second)
            let secondAddress = try await daemon.address(of: second, on: "bridge")
            let firstAddress = try await daemon.address(of: first, on: "bridge")

            let byIP = try await SandboxProbe(first).ping(secondAddress)
            #expect(byIP.succeeded, "\(byIP)")
            #expect(try await SandboxProbe(second).ping(firstAddress).succeeded)

            let byName = try await SandboxProbe(first).ping(second)
            #expect(byName.status == 2, "ping cannot resolve the name: \(byName)")
            #expect(
                byName.standardError.contains("Temporary failure in name resolution")
                    || byName.standardError.contains("Name or service not known"), "\(byName)")
            let getent = try await SandboxProbe(first).getent(second)
            #expect(getent.status == 2, "getent hosts finds no such name: \(getent)")
            #expect(getent.standardOutput.isEmpty)

            let resolvConf = try String(contentsOfFile: "/etc/netns/\(first)/resolv.conf", encoding: .utf8)
            #expect(
                !resolvConf.split(separator: "\n").contains { $0.hasPrefix("nameserver") },
                "with --dns-upstream none a default-bridge sandbox gets no nameserver:\n\(resolvConf)")
            let hosts = try Checks.hostsEntries("/etc/netns/\(first)/hosts")
            #expect(
                hosts.contains([firstAddress, first]), "the hosts file names the sandbox itself: \(hosts)")
            #expect(!hosts.joined().contains(second), "\(hosts)")
        }
    }

    @Test("a legacy link on the default bridge writes the linked sandbox and its alias into the hosts file")
    func legacyLink() async throws {
        try await TestDaemon.with { daemon in
            let target = daemon.sandbox("test2")
            let linking = daemon.sandbox("web")
            try await daemon.checkCLI("sandbox", "create", "--network", "bridge", target)
            try await daemon.checkCLI("sandbox", "create", linking)
            try await daemon.checkCLI("network", "connect", "--link", "\(target):db", "bridge", linking)
            let targetAddress = try await daemon.address(of: target, on: "bridge")

            let hosts = try Checks.hostsEntries("/etc/netns/\(linking)/hosts")
            #expect(hosts.contains([targetAddress, target, "db"]), "\(hosts)")
            let probe = SandboxProbe(linking)
            for name in [target, "db"] {
                let resolved = try await probe.getent(name)
                #expect(resolved.standardOutput.hasPrefix(targetAddress + " "), "\(resolved)")
            }
            #expect(try await probe.ping("db").succeeded)
            #expect(try await probe.ping(target).succeeded)
        }
    }
}
