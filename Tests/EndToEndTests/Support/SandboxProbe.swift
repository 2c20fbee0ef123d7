import Foundation

/// Traffic and name look-ups from inside a sandbox, with the tools a container user has
/// (`ping`, `getent`, `dig`, `curl`), run through `ip netns exec` so that the sandbox's own
/// resolv.conf and hosts file apply.
struct SandboxProbe: Sendable {
    /// The sandbox's (namespace's) name.
    let sandbox: String

    init(_ sandbox: String) { self.sandbox = sandbox }

    /// `ping -c1 -W1 target`: succeeds when one echo reply came back within a second.
    func ping(_ target: String) async throws -> CommandResult {
        try await run("ping", "-c1", "-W1", target)
    }

    /// `getent hosts name`: what the C library resolves (hosts file, then DNS).
    func getent(_ name: String) async throws -> CommandResult {
        try await run("getent", "hosts", name)
    }

    /// The answers of `dig +short @server arguments` (A records, or names for `-x`).
    func digShort(_ server: String, _ arguments: String...) async throws -> [String] {
        let result = try await run(["dig", "+time=2", "+tries=1", "+short", "@\(server)"] + arguments)
        guard result.succeeded else { throw CommandFailure(result: result) }
        return result.lines
    }

    /// The response code (`NOERROR`, `NXDOMAIN`, `REFUSED` …) of `dig @server name`.
    func digStatus(_ server: String, _ name: String) async throws -> String {
        let result = try await run("dig", "+time=2", "+tries=1", "+noall", "+comments", "@\(server)", name)
        guard result.succeeded,
            let range = result.standardOutput.range(of: #"status: [A-Z]+"#, options: .regularExpression)
        else { throw CommandFailure(result: result) }
        return String(result.standardOutput[range].dropFirst("status: ".count))
    }

    /// `curl` of `url` with a short deadline; standard output is the body.
    func curl(_ url: String) async throws -> CommandResult {
        try await run("curl", "-sS", "--max-time", "3", url)
    }

    /// Runs `arguments` inside the sandbox.
    func run(_ arguments: String...) async throws -> CommandResult {
        try await run(arguments)
    }

    /// Runs `arguments` inside the sandbox.
    func run(_ arguments: [String]) async throws -> CommandResult {
        try await Command.run(["ip", "netns", "exec", sandbox] + arguments)
    }
}
