import ArgumentParser
import CNMAPI
import CNMClient

/// `cnm sandbox …`.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Manage sandboxes (network namespaces).",
        subcommands: [Create.self, List.self, Inspect.self, Remove.self])

    /// `cnm sandbox create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a sandbox and print its ID.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Option(help: "Host name in the sandbox's hosts file (default: the name).")
        var hostname: String?

        @Option(help: "Use this existing network namespace (e.g. /proc/PID/ns/net) instead of creating one.")
        var netns: String?

        @Option(help: "Name server for the sandbox's resolv.conf; may be repeated.")
        var dns: [String] = []

        @Option(help: "Network to connect at once, or host, or none.")
        var network: String?

        @Argument(help: "Name of the sandbox (also the name of its namespace).")
        var name: String

        var request: Cnm_V1_CreateSandboxRequest {
            var request = Cnm_V1_CreateSandboxRequest()
            request.name = name
            request.hostname = hostname ?? ""
            request.netnsPath = netns ?? ""
            request.network = network ?? ""
            if !dns.isEmpty { request.dns.nameservers = dns }
            return request
        }

        func run() async throws {
            let request = self.request
            let response = try await CommandContext.withClient(connection) {
                try await $0.createSandbox(request)
            }
            print(response.sandbox.id)
        }
    }

    /// `cnm sandbox ls`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List sandboxes.", aliases: ["list"])

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        func run() async throws {
            let response = try await CommandContext.withClient(connection) {
                try await $0.listSandboxes(Cnm_V1_ListSandboxesRequest())
            }
            print(SandboxListing.render(response.sandboxes), terminator: "")
        }
    }

    /// `cnm sandbox inspect`.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print sandboxes as a JSON array of API objects.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Argument(help: "Names, IDs or ID prefixes.")
        var sandboxes: [String]

        func run() async throws {
            try await Inspection.run(connection, sandboxes) { client, reference throws(CNMError) in
                var request = Cnm_V1_GetSandboxRequest()
                request.sandbox = reference
                return try await client.getSandbox(request).sandbox
            }
        }
    }

    /// `cnm sandbox rm`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Remove sandboxes and print their names.", aliases: ["remove"])

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Flag(name: .shortAndLong, help: "Disconnect and delete the sandbox's endpoints first.")
        var force = false

        @Argument(help: "Names, IDs or ID prefixes.")
        var sandboxes: [String]

        func run() async throws {
            try await CommandContext.withClient(connection) { client in
                try await CommandContext.forEach(sandboxes) { reference throws(CNMError) in
                    var request = Cnm_V1_DeleteSandboxRequest()
                    request.sandbox = reference
                    request.force = force
                    _ = try await client.deleteSandbox(request)
                    print(reference)
                }
            }
        }
    }
}
