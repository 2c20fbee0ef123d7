import Foundation

/// What a finished command left: its status and its output.
struct CommandResult: Sendable, CustomStringConvertible {
    /// The command line as run.
    let arguments: [String]
    /// Exit code, or 128 + the signal that ended it (`timeout` answers 124 when time ran out).
    let status: Int32
    let standardOutput: String
    let standardError: String

    var succeeded: Bool { status == 0 }

    /// Standard output without surrounding white space.
    var output: String { standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The non-empty lines of standard output.
    var lines: [String] { standardOutput.split(separator: "\n").map(String.init) }

    var description: String {
        "`\(arguments.joined(separator: " "))` exited \(status)\n--- stdout\n\(standardOutput)--- stderr\n\(standardError)"
    }
}

/// Runs short-lived commands to their end under `timeout`, so that no command can hang a test.
enum Command {
    /// Runs `arguments` (the program looked up in `PATH`), at most `seconds` long.
    /// - Parameter environment: added to (and overriding) the test process's environment.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], seconds: Int = 30
    ) async throws -> CommandResult {
        let scratch = try Scratch.directory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let out = scratch + "/stdout"
        let err = scratch + "/stderr"
        let child = try ChildProcess(
            ["timeout", "-k", "5", String(seconds)] + arguments,
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            standardOutput: out, standardError: err)
        let status = await child.wait(upTo: .seconds(seconds + 15)) ?? 124
        return CommandResult(
            arguments: arguments, status: status,
            standardOutput: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Runs `arguments` and returns the result, throwing when the command fails.
    @discardableResult
    static func check(
        _ arguments: [String], environment: [String: String] = [:], seconds: Int = 30
    ) async throws -> CommandResult {
        let result = try await run(arguments, environment: environment, seconds: seconds)
        guard result.succeeded else { throw CommandFailure(result: result) }
        return result
    }
}

/// A command that had to succeed did not.
struct CommandFailure: Error, CustomStringConvertible {
    let result: CommandResult
    var description: String { "command failed: \(result)" }
}

/// Fresh temporary directories.
enum Scratch {
    /// Creates and returns a new directory under the system's temporary directory.
    static func directory(prefix: String = "cnme") throws -> String {
        let path = NSTemporaryDirectory() + "/\(prefix)-\(UUID().uuidString.prefix(13))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
