import DNS
import Foundation
import Testing

/// Kernel test: binds addresses the host does not have, so it runs only in a private network
/// namespace (`scripts/in-private-netns.sh swift test --filter FreeBindTests`).
@Suite("DNS server binding gateway addresses that do not exist yet")
struct FreeBindTests {
    static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ip \(arguments.joined(separator: " ")) failed")
    }

    @Test(
        "a listener starts before its gateway address exists and answers once the address is added",
        arguments: [("192.0.2.1", "127.0.0.1"), ("fd00:c0de::1", "::1")])
    func bindsBeforeTheAddressExists(gatewayText: String, clientText: String) async throws {
        try #require(
            ProcessInfo.processInfo.environment["CNM_PRIVATE_NETNS"] == "1",
            "kernel test: run it inside scripts/in-private-netns.sh, which sets CNM_PRIVATE_NETNS=1")
        let gateway = try #require(DNSAddress(gatewayText))
        let client = try #require(DNSAddress(clientText))
        let table = DNSRecordTable(networks: [
            .init(
                name: "net",
                members: [
                    .init(sandbox: "client", names: ["client"], addresses: [client]),
                    .init(sandbox: "web", names: ["web"], addresses: [Fixtures.web4]),
                ])
        ])
        try await withDNSServer(source: table, addresses: [gateway]) { _, port in
            let prefix = gateway.isIPv4 ? "/32" : "/128"
            // No duplicate address detection, so an IPv6 address is usable at once.
            try Self.ip(
                ["addr", "add", gatewayText + prefix, "dev", "lo"] + (gateway.isIPv4 ? [] : ["nodad"]))
            defer { try? Self.ip(["addr", "del", gatewayText + prefix, "dev", "lo"]) }
            for transport in Transport.allCases {
                let reply = try TestClient.ask(
                    "web", .a, server: gateway, port: port, over: transport, from: client)
                #expect(reply.answerAddresses == [Fixtures.web4])
            }
        }
    }
}
