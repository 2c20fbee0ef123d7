import ArgumentParser

/// `cnm`: the command-line client of cnmd.
public struct CNMCommand: AsyncParsableCommand {
    /// The CLI's version, printed by `cnm version` and `cnm --version`.
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "cnm",
        abstract: "Manage cnmd's networks, sandboxes and endpoints.",
        version: version,
        subcommands: [
            NetworkCommand.self, SandboxCommand.self, EndpointCommand.self, EventsCommand.self,
            VersionCommand.self, InfoCommand.self,
        ])

    @OptionGroup public var connection: ConnectionOptions

    public init() {}
}

extension CNMCommand {
    /// Parses the process's arguments and runs the chosen command: the entry point of `cnm`.
    ///
    /// Spelled out (as argument-parser's own async `main` does) because from another module a
    /// call to `CNMCommand.main()` resolves to the synchronous overload, which refuses to run
    /// async commands.
    public static func runFromCommandLine() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
