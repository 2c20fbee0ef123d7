import ArgumentParser
import CNMAPI
import CNMClient
import Foundation

/// `cnm network …`.
struct NetworkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "network",
        abstract: "Manage networks.",
        subcommands: [
            List.self, Create.self, Inspect.self, Remove.self, Prune.self, Connect.self, Disconnect.self,
        ])

    /// `cnm network ls`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List networks.", aliases: ["list"])

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Flag(name: .shortAndLong, help: "Print only the network IDs.")
        var quiet = false

        @Option(help: "Output format: table or json.")
        var format: ListFormat = .table

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Filter (name, id, driver, label, scope, type=builtin|custom); may be repeated.",
                valueName: "key=value"),
            transform: { try KeyValue(parsing: $0) })
        var filter: [KeyValue] = []

        func run() async throws {
            var request = Cnm_V1_ListNetworksRequest()
            request.filters = Filters.apiFilters(filter)
            let networks = try await CommandContext.withClient(connection) {
                try await $0.listNetworks(request)
            }
            print(try NetworkListing.render(networks.networks, format: format, quiet: quiet), terminator: "")
        }
    }

    /// `cnm network create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a network and print its ID.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Option(name: .shortAndLong, help: "Driver: bridge (default), host, null, macvlan, ipvlan, overlay.")
        var driver: String?

        @Option(help: "Subnet in CIDR form; may be repeated (e.g. one IPv4 and one IPv6).")
        var subnet: [String] = []

        @Option(help: "Gateway of the subnet given at the same position.")
        var gateway: [String] = []

        @Option(
            name: .customLong("ip-range"),
            help: "Range (CIDR) to allocate from, in the subnet at the same position.")
        var ipRange: [String] = []

        @Flag(help: "Enable IPv6.")
        var ipv6 = false

        @Flag(help: "Restrict external access to the network.")
        var `internal` = false

        @Option(
            help: ArgumentHelp("Label; may be repeated.", valueName: "key=value"),
            transform: { try KeyValue(parsing: $0) })
        var label: [KeyValue] = []

        @Option(
            name: [.customShort("o"), .customLong("opt")],
            help: ArgumentHelp("Driver option; may be repeated.", valueName: "key=value"),
            transform: { try KeyValue(parsing: $0) })
        var opt: [KeyValue] = []

        @Argument(help: "Name of the network.")
        var name: String

        func validate() throws {
            if gateway.count > subnet.count {
                throw ValidationError(
                    "each --gateway needs a --subnet (\(gateway.count) gateways, \(subnet.count) subnets)")
            }
            if ipRange.count > subnet.count {
                throw ValidationError(
                    "each --ip-range needs a --subnet (\(ipRange.count) ranges, \(subnet.count) subnets)")
            }
        }

        var request: Cnm_V1_CreateNetworkRequest {
            var request = Cnm_V1_CreateNetworkRequest()
            request.name = name
            if let driver { request.driver = driver }
            request.internal = `internal`
            request.enableIpv6 = ipv6
            request.labels = KeyValue.dictionary(label)
            request.options = KeyValue.dictionary(opt)
            if !subnet.isEmpty {
                request.ipam.configs = subnet.enumerated().map { index, subnet in
                    var config = Cnm_V1_IPAMConfig()
                    config.subnet = subnet
                    if index < gateway.count { config.gateway = gateway[index] }
                    if index < ipRange.count { config.ipRange = ipRange[index] }
                    return config
                }
            }
            return request
        }

        func run() async throws {
            let request = self.request
            let response = try await CommandContext.withClient(connection) {
                try await $0.createNetwork(request)
            }
            print(response.network.id)
        }
    }

    /// `cnm network inspect`.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print networks as a JSON array of API objects.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Argument(help: "Names, IDs or ID prefixes.")
        var networks: [String]

        func run() async throws {
            try await Inspection.run(connection, networks) { client, reference throws(CNMError) in
                var request = Cnm_V1_GetNetworkRequest()
                request.network = reference
                return try await client.getNetwork(request).network
            }
        }
    }

    /// `cnm network rm`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Remove networks and print their names.", aliases: ["remove"])

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Argument(help: "Names, IDs or ID prefixes.")
        var networks: [String]

        func run() async throws {
            try await CommandContext.withClient(connection) { client in
                try await CommandContext.forEach(networks) { reference throws(CNMError) in
                    var request = Cnm_V1_DeleteNetworkRequest()
                    request.network = reference
                    _ = try await client.deleteNetwork(request)
                    print(reference)
                }
            }
        }
    }

    /// `cnm network prune`.
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove all unused user-defined networks.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Flag(name: .shortAndLong, help: "Do not ask for confirmation.")
        var force = false

        func run() async throws {
            if !force {
                print(
                    "WARNING! This will remove all custom networks not used by at least one sandbox.\n"
                        + "Are you sure you want to continue? [y/N] ", terminator: "")
                StandardOutput.flush()
                let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased()
                guard answer == "y" || answer == "yes" else { return }
            }
            let response = try await CommandContext.withClient(connection) {
                try await $0.pruneNetworks(Cnm_V1_PruneNetworksRequest())
            }
            if !response.networksDeleted.isEmpty {
                print("Deleted Networks:")
                for name in response.networksDeleted { print(name) }
            }
        }
    }

    /// `cnm network connect`.
    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Connect a sandbox to a network.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Option(help: "DNS alias on the network; may be repeated.")
        var alias: [String] = []

        @Option(help: "IPv4 address.")
        var ip: String?

        @Option(help: "IPv6 address.")
        var ip6: String?

        @Option(
            help: ArgumentHelp("Legacy link; may be repeated.", valueName: "name[:alias]"),
            transform: { try LinkSpec(parsing: $0) })
        var link: [LinkSpec] = []

        @Option(
            name: [.customShort("p"), .customLong("publish")],
            help: ArgumentHelp("Publish a port; may be repeated.", valueName: "[ip:]host:container[/proto]"),
            transform: { try PortSpec(parsing: $0) })
        var publish: [PortSpec] = []

        @Argument(help: "The network.")
        var network: String

        @Argument(help: "The sandbox.")
        var sandbox: String

        var request: Cnm_V1_ConnectSandboxRequest {
            var request = Cnm_V1_ConnectSandboxRequest()
            request.network = network
            request.sandbox = sandbox
            var config = Cnm_V1_EndpointConfig()
            config.aliases = alias
            config.ipv4Address = ip ?? ""
            config.ipv6Address = ip6 ?? ""
            config.links = link.map(\.apiValue)
            config.portBindings = publish.map(\.binding)
            if config != Cnm_V1_EndpointConfig() { request.endpointConfig = config }
            return request
        }

        func run() async throws {
            let request = self.request
            _ = try await CommandContext.withClient(connection) { try await $0.connectSandbox(request) }
        }
    }

    /// `cnm network disconnect`.
    struct Disconnect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disconnect a sandbox from a network.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Flag(name: .shortAndLong, help: "Disconnect even when cnmd cannot clean up everything.")
        var force = false

        @Argument(help: "The network.")
        var network: String

        @Argument(help: "The sandbox.")
        var sandbox: String

        func run() async throws {
            var request = Cnm_V1_DisconnectSandboxRequest()
            request.network = network
            request.sandbox = sandbox
            request.force = force
            _ = try await CommandContext.withClient(connection) { [request] in
                try await $0.disconnectSandbox(request)
            }
        }
    }
}
