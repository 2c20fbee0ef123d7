import DNS
import Foundation
import Testing

/// dig (BIND's client) as an independent implementation talking to the server.
@Suite("DNS server with dig as the client")
struct DigInteropTests {
    static func dig(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dig")
        process.arguments = ["+time=3", "+tries=1"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test("dig resolves names, aliases and reverse names over UDP and TCP")
    func digAnswers() async throws {
        try await withDNSServer { _, port in
            let server = ["@127.0.0.1", "-p", "\(port)"]
            for transport in ["+notcp", "+tcp"] {
                let web = try Self.dig(server + [transport, "+short", "WEB.frontend", "A"])
                #expect(web.split(separator: "\n") == ["10.89.0.2"])
                let db = try Self.dig(server + [transport, "+short", "db", "A"])
                #expect(Set(db.split(separator: "\n")) == ["10.89.0.3", "10.89.0.4"])
                let reverse = try Self.dig(server + [transport, "+short", "-x", "fd89::2"])
                #expect(reverse.split(separator: "\n") == ["web.frontend."])
            }
        }
    }

    @Test("dig sees NXDOMAIN for a hidden name and REFUSED for a foreign one")
    func digStatus() async throws {
        try await withDNSServer { _, port in
            let hidden = try Self.dig(["@127.0.0.1", "-p", "\(port)", "-b", "127.0.0.2", "web", "A"])
            #expect(hidden.contains("status: NXDOMAIN"))
            let foreign = try Self.dig(["@127.0.0.1", "-p", "\(port)", "example.com", "A"])
            #expect(foreign.contains("status: REFUSED"))
            #expect(foreign.contains("EDNS: version: 0"))
        }
    }
}
