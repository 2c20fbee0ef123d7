import ArgumentParser
import CNMAPI
import CNMClient
import Foundation

/// `cnm events`.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Print events as they happen, one per line, until interrupted.")

    @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Filter (type, action, network, sandbox, endpoint); may be repeated.", valueName: "key=value"),
        transform: { try KeyValue(parsing: $0) })
    var filter: [KeyValue] = []

    func run() async throws {
        var request = Cnm_V1_WatchEventsRequest()
        request.filters = Filters.apiFilters(filter)
        try await CommandContext.withClient(connection) { [request] client in
            for try await response in client.watchEvents(request) {
                print(EventLine.format(response.event))
                StandardOutput.flush()
            }
        }
    }
}

/// `cnm version`.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the client's and cnmd's versions.")

    @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

    func run() async throws {
        let server = try await CommandContext.withClient(connection) {
            try await $0.getVersion(Cnm_V1_GetVersionRequest())
        }
        print(SystemReport.version(client: CNMCommand.version, server: server), terminator: "")
    }
}

/// `cnm info`.
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Print cnmd's object counts, drivers and state.")

    @OptionGroup(visibility: .hidden) var connection: ConnectionOptions

    func run() async throws {
        let info = try await CommandContext.withClient(connection) {
            try await $0.getInfo(Cnm_V1_GetInfoRequest())
        }
        print(SystemReport.info(info), terminator: "")
    }
}
