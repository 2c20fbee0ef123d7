import ArgumentParser
import CNMAPI
import CNMClient

/// `cnm endpoint …`.
struct EndpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoint",
        abstract: "Manage endpoints.",
        subcommands: [List.self, Inspect.self, Create.self, Remove.self, Join.self, Leave.self])

    /// `cnm endpoint ls`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List endpoints.", aliases: ["list"])

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Option(help: "Only the endpoints of this network.")
        var network: String?

        func run() async throws {
            var request = Cnm_V1_ListEndpointsRequest()
            if let network { request.filters["network"] = .with { $0.values = [network] } }
            let response = try await CommandContext.withClient(connection) { [request] in
                try await $0.listEndpoints(request)
            }
            print(EndpointListing.render(response.endpoints), terminator: "")
        }
    }

    /// `cnm endpoint inspect`.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an endpoint as a JSON array of API objects.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Argument(help: "ID, ID prefix or name.")
        var endpoint: String

        func run() async throws {
            try await Inspection.run(connection, [endpoint]) { client, reference throws(CNMError) in
                var request = Cnm_V1_GetEndpointRequest()
                request.endpoint = reference
                return try await client.getEndpoint(request).endpoint
            }
        }
    }

    /// `cnm endpoint create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an endpoint and print its ID.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Option(help: "The network.")
        var network: String

        @Argument(help: "Name of the endpoint (unique within the network).")
        var name: String

        func run() async throws {
            var request = Cnm_V1_CreateEndpointRequest()
            request.network = network
            request.name = name
            let response = try await CommandContext.withClient(connection) { [request] in
                try await $0.createEndpoint(request)
            }
            print(response.endpoint.id)
        }
    }

    /// `cnm endpoint rm`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Delete an endpoint and print its reference.", aliases: ["remove"])

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Argument(help: "ID, ID prefix or name.")
        var endpoint: String

        func run() async throws {
            var request = Cnm_V1_DeleteEndpointRequest()
            request.endpoint = endpoint
            _ = try await CommandContext.withClient(connection) { [request] in
                try await $0.deleteEndpoint(request)
            }
            print(endpoint)
        }
    }

    /// `cnm endpoint join`.
    struct Join: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Join an endpoint to a sandbox.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Argument(help: "ID, ID prefix or name of the endpoint.")
        var endpoint: String

        @Argument(help: "The sandbox.")
        var sandbox: String

        func run() async throws {
            var request = Cnm_V1_JoinRequest()
            request.endpoint = endpoint
            request.sandbox = sandbox
            _ = try await CommandContext.withClient(connection) { [request] in try await $0.join(request) }
        }
    }

    /// `cnm endpoint leave`.
    struct Leave: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an endpoint out of its sandbox.")

        @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

        @Argument(help: "ID, ID prefix or name of the endpoint.")
        var endpoint: String

        @Argument(help: "The sandbox.")
        var sandbox: String

        func run() async throws {
            var request = Cnm_V1_LeaveRequest()
            request.endpoint = endpoint
            request.sandbox = sandbox
            _ = try await CommandContext.withClient(connection) { [request] in try await $0.leave(request) }
        }
    }
}
