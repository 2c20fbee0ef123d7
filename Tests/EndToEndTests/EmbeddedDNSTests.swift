import CNMAPI
import CNMClient
import Foundation
import Testing

/// Service discovery on user-defined networks: every one has embedded DNS on its gateway.
@Suite("Embedded DNS on user-defined networks")
struct EmbeddedDNSTests {
    @Test(
        "sandboxes on a user-defined network resolve each other by name and alias; resolv.conf names the gateway with ndots:0"
    )
    func namesAndAliases() async throws {
        try await TestDaemon.with { daemon in
            let gateway = try await daemon.createNetwork("app")
            let web = daemon.sandbox("web")
            let db = daemon.sandbox("db")
            try await daemon.checkCLI("sandbox", "create", "--network", "app", web)
            try await daemon.checkCLI("sandbox", "create", db)
            try await daemon.checkCLI("network", "connect", "--alias", "database", "app", db)
            let webAddress = try await daemon.address(of: web, on: "app")
            let dbAddress = try await daemon.address(of: db, on: "app")

            let resolvConf = try String(contentsOfFile: "/etc/netns/\(web)/resolv.conf", encoding: .utf8)
            let lines = resolvConf.split(separator: "\n").map(String.init)
            #expect(lines.filter { $0.hasPrefix("nameserver") } == ["nameserver \(gateway)"], "\(resolvConf)")
            #expect(lines.contains("options ndots:0"), "\(resolvConf)")

            let fromWeb = SandboxProbe(web)
            for name in [db, "database"] {
                let resolved = try await fromWeb.getent(name)
                #expect(resolved.standardOutput.hasPrefix(dbAddress + " "), "\(name): \(resolved)")
            }
            let ping = try await fromWeb.ping(db)
            #expect(ping.succeeded, "\(ping)")
            #expect(try await fromWeb.ping("database").succeeded)
            #expect(try await SandboxProbe(db).getent(web).standardOutput.hasPrefix(webAddress + " "))
            #expect(
                try await fromWeb.digShort(gateway, db.uppercased()) == [dbAddress],
                "names are case-insensitive")
            let answer = try await fromWeb.run("dig", "+noall", "+answer", "@\(gateway)", db)
            #expect(
                answer.lines.map { $0.split(whereSeparator: \.isWhitespace) } == [
                    ["\(db).", "600", "IN", "A", dbAddress[...]]
                ], "one A record with TTL 600: \(answer)")
        }
    }

    @Test("two members under one alias both answer, and PTR of a member's address gives its name")
    func sharedAliasAndPTR() async throws {
        try await TestDaemon.with { daemon in
            let gateway = try await daemon.createNetwork("app")
            let first = daemon.sandbox("s1")
            let second = daemon.sandbox("s2")
            let client = daemon.sandbox("client")
            for member in [first, second] {
                try await daemon.checkCLI("sandbox", "create", member)
                try await daemon.checkCLI("network", "connect", "--alias", "svc", "app", member)
            }
            try await daemon.checkCLI("sandbox", "create", "--network", "app", client)
            let firstAddress = try await daemon.address(of: first, on: "app")
            let secondAddress = try await daemon.address(of: second, on: "app")

            let probe = SandboxProbe(client)
            let answers = try await probe.digShort(gateway, "svc")
            #expect(answers.sorted() == [firstAddress, secondAddress].sorted())

            for (member, address) in [(first, firstAddress), (second, secondAddress)] {
                let names = try await probe.digShort(gateway, "-x", address)
                #expect(names.count == 1, "\(names)")
                #expect(
                    names.first?.split(separator: ".").first.map(String.init) == member,
                    "PTR \(address): \(names)")
            }
        }
    }

    @Test(
        "a name on one network is NXDOMAIN from a sandbox only on another, while a sandbox on both resolves each"
    )
    func namesStayOnTheirNetwork() async throws {
        try await TestDaemon.with { daemon in
            let gatewayA = try await daemon.createNetwork("neta")
            let gatewayB = try await daemon.createNetwork("netb")
            let onA = daemon.sandbox("ona")
            let onB = daemon.sandbox("onb")
            let onBoth = daemon.sandbox("both")
            try await daemon.checkCLI("sandbox", "create", "--network", "neta", onA)
            try await daemon.checkCLI("sandbox", "create", "--network", "netb", onB)
            try await daemon.checkCLI("sandbox", "create", "--network", "neta", onBoth)
            try await daemon.checkCLI("network", "connect", "netb", onBoth)
            let addressA = try await daemon.address(of: onA, on: "neta")
            let addressB = try await daemon.address(of: onB, on: "netb")

            let fromB = SandboxProbe(onB)
            #expect(try await fromB.digStatus(gatewayB, onA) == "NXDOMAIN")
            #expect(try await fromB.getent(onA).status == 2)
            #expect(try await fromB.digShort(gatewayB, onB) == [addressB], "its own network's names resolve")
            let askingA = try await fromB.run("dig", "+time=2", "+tries=1", "+short", "@\(gatewayA)", onA)
            #expect(
                !askingA.standardOutput.contains(addressA),
                "A's resolver does not answer B's sandbox: \(askingA)")
            #expect(try await SandboxProbe(onA).digStatus(gatewayA, onB) == "NXDOMAIN")

            let fromBoth = SandboxProbe(onBoth)
            #expect(try await fromBoth.getent(onA).standardOutput.hasPrefix(addressA + " "))
            #expect(try await fromBoth.getent(onB).standardOutput.hasPrefix(addressB + " "))
        }
    }

    @Test("connect and disconnect are visible to DNS at once")
    func connectAndDisconnectAtOnce() async throws {
        try await TestDaemon.with { daemon in
            let gateway = try await daemon.createNetwork("app")
            let watcher = daemon.sandbox("watcher")
            let late = daemon.sandbox("late")
            try await daemon.checkCLI("sandbox", "create", "--network", "app", watcher)
            try await daemon.checkCLI("sandbox", "create", late)
            let probe = SandboxProbe(watcher)
            // A name no network knows is not cnm's: with --dns-upstream none it is REFUSED.
            #expect(try await probe.digStatus(gateway, late) == "REFUSED")

            try await daemon.checkCLI("network", "connect", "--alias", "newcomer", "app", late)
            let address = try await daemon.address(of: late, on: "app")
            #expect(try await probe.digShort(gateway, late) == [address])
            #expect(try await probe.digShort(gateway, "newcomer") == [address])
            #expect(try await probe.getent(late).standardOutput.hasPrefix(address + " "))

            try await daemon.checkCLI("network", "disconnect", "app", late)
            #expect(try await probe.digStatus(gateway, late) == "REFUSED")
            #expect(try await probe.digStatus(gateway, "newcomer") == "REFUSED")
            #expect(try await probe.digShort(gateway, "-x", address).isEmpty)
            #expect(try await probe.getent(late).status == 2)
        }
    }
}
