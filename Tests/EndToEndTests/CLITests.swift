import CNMAPI
import CNMClient
import Foundation
import Testing

@Suite("The cnm CLI against cnmd")
struct CLITests {
    /// A cell padded like `docker network ls` pads columns of short values (10 characters).
    private func padded(_ text: String, _ width: Int = 10) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    @Test("network ls prints a docker-style table sorted by name with 12-hex IDs, and -q only the IDs")
    func networkTable() async throws {
        try await TestDaemon.with { daemon in
            try await daemon.checkCLI("network", "create", "web")
            try await daemon.checkCLI("network", "create", "db")
            let networks = try await daemon.client.listNetworks().networks.sorted { $0.name < $1.name }
            #expect(networks.map(\.name) == ["bridge", "db", "host", "none", "web"])

            let table = try await daemon.checkCLI("network", "ls")
            #expect(table.standardError.isEmpty)
            #expect(table.lines.first == "NETWORK ID     NAME      DRIVER    SCOPE")
            let rows = networks.map { network in
                String(network.id.prefix(12)) + "   " + padded(network.name) + padded(network.driver)
                    + network.scope
            }
            #expect(Array(table.lines.dropFirst()) == rows)
            for row in table.lines.dropFirst() {
                #expect(Checks.isHex(row.prefix(12), count: 12), "\(row)")
            }

            let quiet = try await daemon.checkCLI("network", "ls", "-q")
            #expect(quiet.lines == networks.map { String($0.id.prefix(12)) })
        }
    }

    @Test("network ls --format json and network inspect print JSON arrays of the API's objects")
    func networkJSON() async throws {
        try await TestDaemon.with { daemon in
            try await daemon.checkCLI("network", "create", "--label", "tier=front", "web")
            let networks = try await daemon.client.listNetworks().networks.sorted { $0.name < $1.name }

            let listed = try await daemon.checkCLI("network", "ls", "--format", "json")
            #expect(try Self.networks(inJSONArray: listed.standardOutput) == networks)

            let web = try #require(networks.first { $0.name == "web" })
            let inspected = try await daemon.checkCLI("network", "inspect", "web", String(web.id.prefix(12)))
            #expect(try Self.networks(inJSONArray: inspected.standardOutput) == [web, web])

            let missing = try await daemon.cli("network", "inspect", "web", "nosuch")
            #expect(missing.status == 1)
            #expect(try Self.networks(inJSONArray: missing.standardOutput) == [web])
            #expect(missing.standardError.hasPrefix("Error: "))
            #expect(missing.standardError.contains("nosuch"))
        }
    }

    @Test("network ls --filter keeps only the networks that match")
    func networkFilter() async throws {
        try await TestDaemon.with { daemon in
            try await daemon.checkCLI("network", "create", "--label", "tier=front", "web")
            try await daemon.checkCLI("network", "create", "db")
            let cases: [(filter: String, names: [String])] = [
                ("name=web", ["web"]),
                ("driver=null", ["none"]),
                ("label=tier=front", ["web"]),
                ("type=custom", ["db", "web"]),
                ("type=builtin", ["bridge", "host", "none"]),
            ]
            for (filter, names) in cases {
                let listed = try await daemon.checkCLI(
                    "network", "ls", "--filter", filter, "--format", "json")
                #expect(
                    try Self.networks(inJSONArray: listed.standardOutput).map(\.name) == names, "\(filter)")
            }
            let web = try await daemon.client.listNetworks().networks.first { $0.name == "web" }
            let byID = try await daemon.checkCLI(
                "network", "ls", "-q", "--filter", "id=\(web?.id.prefix(8) ?? "")")
            #expect(byID.lines == [String(web?.id.prefix(12) ?? "")])
        }
    }

    @Test("network create prints the full ID; rm and prune print the names they removed")
    func networkCreateAndRemove() async throws {
        try await TestDaemon.with { daemon in
            let created = try await daemon.checkCLI("network", "create", "--subnet", "10.77.0.0/24", "web")
            let id = created.output
            #expect(Checks.isHex(id, count: 64))
            var get = Cnm_V1_GetNetworkRequest()
            get.network = "web"
            let network = try await daemon.client.getNetwork(get).network
            #expect(network.id == id)
            #expect(network.ipam.configs.map(\.subnet) == ["10.77.0.0/24"])

            try await daemon.checkCLI("network", "create", "db")
            let removed = try await daemon.checkCLI("network", "rm", "web", "db")
            #expect(removed.lines == ["web", "db"])
            #expect(
                try await daemon.client.listNetworks().networks.map(\.name).sorted() == [
                    "bridge", "host", "none",
                ])

            for name in ["unused1", "unused2", "used"] {
                try await daemon.checkCLI("network", "create", name)
            }
            let sandbox = daemon.sandbox("box")
            try await daemon.checkCLI("sandbox", "create", "--network", "used", sandbox)
            let pruned = try await daemon.checkCLI("network", "prune", "-f")
            #expect(pruned.lines.first == "Deleted Networks:")
            #expect(pruned.lines.dropFirst().sorted() == ["unused1", "unused2"])
            #expect(
                try await daemon.client.listNetworks().networks.map(\.name).sorted() == [
                    "bridge", "host", "none", "used",
                ])
        }
    }

    @Test("network rm of a pre-defined network prints the Connect message on stderr and exits 1")
    func removePredefined() async throws {
        try await TestDaemon.with { daemon in
            let bridge = try await daemon.cli("network", "rm", "bridge")
            #expect(bridge.status == 1)
            #expect(bridge.standardOutput.isEmpty)
            #expect(bridge.standardError == "Error: bridge is a pre-defined network and cannot be removed\n")

            let missing = try await daemon.cli("network", "rm", "nosuch")
            #expect(missing.status == 1)
            #expect(missing.standardError.hasPrefix("Error: "))
            #expect(missing.standardError.contains("nosuch"))

            let duplicate = try await daemon.cli("network", "create", "bridge")
            #expect(duplicate.status == 1)
            #expect(duplicate.standardError.hasPrefix("Error: "))
            #expect(duplicate.standardError.contains("bridge"))
        }
    }

    @Test("version and info report what cnmd says about itself")
    func versionAndInfo() async throws {
        try await TestDaemon.with { daemon in
            let server = try await daemon.client.getVersion()
            let version = try await daemon.checkCLI("version")
            #expect(version.standardOutput.contains(server.version))
            #expect(version.standardOutput.contains(server.apiVersion))
            try await daemon.checkCLI("network", "create", "web")
            let info = try await daemon.checkCLI("info")
            #expect(info.lines.contains("Networks: 4"), "\(info)")
            #expect(info.standardOutput.contains(daemon.stateDirectory), "\(info)")
        }
    }

    @Test("cnm exits 1 with Error: on stderr when cnmd cannot be reached")
    func unreachable() async throws {
        try await TestDaemon.with(start: false) { daemon in
            let result = try await daemon.cli("network", "ls")
            #expect(result.status == 1)
            #expect(result.standardOutput.isEmpty)
            #expect(result.standardError.hasPrefix("Error: "))
        }
    }

    @Test("sandbox commands create, list, inspect and remove sandboxes")
    func sandboxCommands() async throws {
        try await TestDaemon.with { daemon in
            let name = daemon.sandbox("box")
            let created = try await daemon.checkCLI(
                "sandbox", "create", "--hostname", "h1", "--network", "bridge", name)
            #expect(Checks.isHex(created.output, count: 64))
            #expect(try await KernelView.namespaceIsLive(name))

            let listed = try await daemon.checkCLI("sandbox", "ls")
            #expect(listed.lines.first?.hasPrefix("SANDBOX ID") == true)
            let row = try #require(listed.lines.dropFirst().first)
            let cells = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            #expect(cells == [String(created.output.prefix(12)), name, "h1", "1", "/run/netns/\(name)"])

            let inspected = try await daemon.checkCLI("sandbox", "inspect", name)
            let array = try JSONSerialization.jsonObject(with: Data(inspected.standardOutput.utf8)) as? [Any]
            let objects = try (array ?? []).map { object in
                let data = try JSONSerialization.data(withJSONObject: object)
                return try Cnm_V1_Sandbox(jsonUTF8Data: data)
            }
            var get = Cnm_V1_GetSandboxRequest()
            get.sandbox = name
            #expect(objects == [try await daemon.client.getSandbox(get).sandbox])
            #expect(objects.first?.hostname == "h1")

            let removed = try await daemon.cli("sandbox", "rm", name)
            #expect(removed.status == 1, "a sandbox with endpoints needs -f")
            #expect(removed.standardError.hasPrefix("Error: "))
            let forced = try await daemon.checkCLI("sandbox", "rm", "-f", name)
            #expect(forced.lines == [name])
            #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(name)"))
            let gone = try await daemon.cli("sandbox", "inspect", name)
            #expect(gone.status == 1)
            #expect(gone.standardError.contains(name))
        }
    }

    @Test("endpoint and network connect commands attach sandboxes, and the kernel shows it")
    func endpointCommands() async throws {
        try await TestDaemon.with { daemon in
            try await daemon.checkCLI("network", "create", "--subnet", "10.78.0.0/24", "web")
            let name = daemon.sandbox("box")
            try await daemon.checkCLI("sandbox", "create", name)

            let created = try await daemon.checkCLI("endpoint", "create", "--network", "web", "ep")
            let id = created.output
            #expect(Checks.isHex(id, count: 64))
            let listed = try await daemon.checkCLI("endpoint", "ls", "--network", "web")
            #expect(listed.lines.first?.hasPrefix("ENDPOINT ID") == true)
            #expect(listed.lines.dropFirst().map { $0.hasPrefix(String(id.prefix(12))) } == [true])

            try await daemon.checkCLI("endpoint", "join", "ep", name)
            let inspected = try await daemon.checkCLI("endpoint", "inspect", String(id.prefix(12)))
            let array = try JSONSerialization.jsonObject(with: Data(inspected.standardOutput.utf8)) as? [Any]
            let object = try #require(array?.first)
            let endpoint = try Cnm_V1_Endpoint(
                jsonUTF8Data: try JSONSerialization.data(withJSONObject: object))
            #expect(endpoint.id == id)
            #expect(endpoint.sandboxName == name)
            #expect(try await KernelView.interfaces(in: name).contains { $0.ipv4 == [endpoint.ipv4Address] })

            try await daemon.checkCLI("endpoint", "leave", "ep", name)
            #expect(
                try await KernelView.interfaces(in: name).allSatisfy {
                    !$0.ipv4.contains(endpoint.ipv4Address)
                })
            let removed = try await daemon.checkCLI("endpoint", "rm", "ep")
            #expect(removed.lines == ["ep"])
            #expect(try await daemon.client.listEndpoints().endpoints.isEmpty)

            try await daemon.checkCLI(
                "network", "connect", "--alias", "api", "--ip", "10.78.0.42", "web", name)
            #expect(try await KernelView.interfaces(in: name).contains { $0.ipv4 == ["10.78.0.42/24"] })
            let again = try await daemon.cli("network", "connect", "web", name)
            #expect(again.status == 1)
            #expect(again.standardError.hasPrefix("Error: "))
            #expect(again.standardError.contains("already connected"))
            try await daemon.checkCLI("network", "disconnect", "web", name)
            #expect(
                try await KernelView.interfaces(in: name).allSatisfy { $0.ipv4.isEmpty || $0.name == "lo" })
            try await daemon.checkCLI("sandbox", "rm", name)
        }
    }

    /// Decodes the CLI's JSON output: one array of `cnm.v1.Network` objects.
    static func networks(inJSONArray text: String) throws -> [Cnm_V1_Network] {
        let array = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any])
        return try array.map { object in
            try Cnm_V1_Network(jsonUTF8Data: try JSONSerialization.data(withJSONObject: object))
        }
    }
}
