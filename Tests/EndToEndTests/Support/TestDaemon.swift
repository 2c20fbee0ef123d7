import CNMAPI
import CNMClient
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One real `cnmd` under test, alone in a network namespace made for the test (`cnme-TAG`),
/// with its socket and state in a temporary directory, and a ``CNMClient`` connected to it.
///
/// cnmd is started with `nsenter --net=…` rather than `ip netns exec`: `ip netns exec` also
/// gives the program a mount namespace of its own, so the sandboxes cnmd pins under
/// `/run/netns` would be invisible to the test (and vanish when cnmd exits).
///
/// Sandbox names are global (`/run/netns` is shared by the tests running in parallel), so
/// every test names its sandboxes with ``sandbox(_:)``; networks live in cnmd's namespace and
/// need no tag.
final class TestDaemon: Sendable {
    /// Random, unique per test: `e` and five hex digits.
    let tag: String
    /// The network namespace cnmd runs in.
    let namespace: String
    /// Temporary directory of the socket, the state and the logs.
    let directory: String
    let socketPath: String
    let stateDirectory: String
    /// The SDK client on ``socketPath``.
    let client: CNMClient
    private let state = Mutex(State())

    private struct State {
        var cnmd: ChildProcess?
        var starts = 0
        var helpers: [ChildProcess] = []
    }

    private init() throws {
        self.tag = "e" + String(UInt32.random(in: 0x10000...0xFFFFF), radix: 16)
        self.namespace = "cnme-\(tag)"
        self.directory = try Scratch.directory(prefix: "cnme-\(tag)")
        self.socketPath = directory + "/cnmd.sock"
        self.stateDirectory = directory + "/state"
        self.client = try CNMClient(
            configuration: CNMClientConfiguration(
                endpoint: .unix(path: socketPath), defaultTimeout: .seconds(30)))
    }

    /// Runs `body` with a fresh cnmd in a fresh namespace, then deletes what the test left
    /// (sandboxes through the API), stops cnmd with SIGTERM and removes the namespace and the
    /// temporary directory — also when `body` throws.
    /// - Parameter start: false to let `body` start cnmd itself (``start(extraArguments:)``).
    static func with(start: Bool = true, _ body: (TestDaemon) async throws -> Void) async throws {
        try PrivateNamespace.require()
        let daemon = try TestDaemon()
        do {
            try await Command.check(["ip", "netns", "add", daemon.namespace])
            try await Command.check(["ip", "-n", daemon.namespace, "link", "set", "lo", "up"])
            if start { try await daemon.start() }
            try await body(daemon)
        } catch {
            await daemon.tearDown()
            throw error
        }
        await daemon.tearDown()
    }

    // MARK: cnmd

    /// The command line that starts cnmd in the test's namespace on `socket` with `stateDirectory`.
    func cnmdCommand(socket: String? = nil, stateDirectory: String? = nil, extraArguments: [String] = [])
        throws -> [String]
    {
        [
            "nsenter", "--net=/run/netns/\(namespace)", "--", try BuiltProducts.cnmd,
            "--socket", socket ?? socketPath, "--state-dir", stateDirectory ?? self.stateDirectory,
            "--dns-upstream", "none", "--log-level", "warning",
        ] + extraArguments
    }

    /// Starts cnmd and returns once it answers Health; fails with its log when it exits first.
    func start(extraArguments: [String] = []) async throws {
        let number = state.withLock { state in
            state.starts += 1
            return state.starts
        }
        let log = directory + "/cnmd-\(number).log"
        let child = try ChildProcess(
            try cnmdCommand(extraArguments: extraArguments), environment: ProcessInfo.processInfo.environment,
            standardOutput: directory + "/cnmd-\(number).out", standardError: log)
        state.withLock { $0.cnmd = child }
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let status = child.status {
                state.withLock { $0.cnmd = nil }
                throw DaemonFailure("cnmd exited with status \(status) before serving:\n\(Self.read(log))")
            }
            if FileManager.default.fileExists(atPath: socketPath),
                let health = try? await client.health(options: CNMCallOptions(timeout: .seconds(2))),
                health.status == "SERVING"
            {
                return
            }
            if ContinuousClock.now >= deadline {
                throw DaemonFailure("cnmd did not answer Health within 30 s:\n\(Self.read(log))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Sends SIGTERM to cnmd and returns its exit status once it has ended.
    @discardableResult
    func stop() async throws -> Int32 {
        guard let child = state.withLock({ $0.cnmd }) else { throw DaemonFailure("cnmd is not running") }
        child.send(SIGTERM)
        guard let status = await child.wait(upTo: .seconds(20)) else {
            child.send(SIGKILL)
            _ = await child.wait(upTo: .seconds(5))
            state.withLock { $0.cnmd = nil }
            throw DaemonFailure("cnmd did not exit within 20 s of SIGTERM")
        }
        state.withLock { $0.cnmd = nil }
        return status
    }

    /// The log (standard error) of the latest cnmd started.
    var log: String {
        Self.read(directory + "/cnmd-\(state.withLock { $0.starts }).log")
    }

    // MARK: commands

    /// A sandbox name no parallel test uses: `TAG-suffix`.
    func sandbox(_ suffix: String) -> String { "\(tag)-\(suffix)" }

    /// Runs the built `cnm` with `CNM_HOST` pointing at this cnmd.
    func cli(_ arguments: String...) async throws -> CommandResult {
        try await cli(arguments)
    }

    /// Runs the built `cnm` with `CNM_HOST` pointing at this cnmd.
    func cli(_ arguments: [String]) async throws -> CommandResult {
        try await Command.run(
            [try BuiltProducts.cnm] + arguments, environment: ["CNM_HOST": "unix://\(socketPath)"])
    }

    /// Runs `cnm` and fails unless it succeeds.
    @discardableResult
    func checkCLI(_ arguments: String...) async throws -> CommandResult {
        try await checkCLI(arguments)
    }

    /// Runs `cnm` and fails unless it succeeds.
    @discardableResult
    func checkCLI(_ arguments: [String]) async throws -> CommandResult {
        let result = try await cli(arguments)
        guard result.succeeded else { throw CommandFailure(result: result) }
        return result
    }

    /// Runs a command inside a namespace with `ip netns exec` (so the sandbox's own
    /// resolv.conf and hosts apply).
    func exec(in namespace: String, _ arguments: String..., seconds: Int = 30) async throws -> CommandResult {
        try await Command.run(["ip", "netns", "exec", namespace] + arguments, seconds: seconds)
    }

    /// Starts a background helper (a listener) in its own process group under `timeout seconds`;
    /// teardown kills the group with SIGKILL if it still runs.
    func startHelper(_ arguments: [String], seconds: Int = 30) throws -> ChildProcess {
        let number = state.withLock { $0.helpers.count }
        let child = try ChildProcess(
            ["timeout", String(seconds)] + arguments, environment: ProcessInfo.processInfo.environment,
            standardOutput: directory + "/helper-\(number).out",
            standardError: directory + "/helper-\(number).err", newProcessGroup: true)
        state.withLock { $0.helpers.append(child) }
        return child
    }

    // MARK: teardown

    private func tearDown() async {
        for helper in state.withLock({ $0.helpers }) { helper.killGroup(SIGKILL) }
        let running = state.withLock { $0.cnmd }
        var cleanedUp = false
        if let running, let status = running.status {
            Issue.record("cnmd exited by itself with status \(status):\n\(log)")
        } else if running != nil {
            cleanedUp = await deleteSandboxesThroughAPI()
            do {
                let status = try await stop()
                if status != 0 { Issue.record("cnmd exited with status \(status) after SIGTERM:\n\(log)") }
            } catch {
                Issue.record("stopping cnmd: \(error)\n\(log)")
            }
        }
        await client.close()
        for leftover in Self.entries(of: "/run/netns", prefix: tag + "-") {
            if cleanedUp { Issue.record("namespace /run/netns/\(leftover) left behind") }
            _ = try? await Command.run(["ip", "netns", "delete", leftover])
        }
        for leftover in Self.entries(of: "/etc/netns", prefix: tag + "-") {
            if cleanedUp { Issue.record("directory /etc/netns/\(leftover) left behind") }
            try? FileManager.default.removeItem(atPath: "/etc/netns/" + leftover)
        }
        _ = try? await Command.run(["ip", "netns", "delete", namespace])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Deletes every sandbox with force; true when all went.
    private func deleteSandboxesThroughAPI() async -> Bool {
        do {
            for sandbox in try await client.listSandboxes().sandboxes {
                var request = Cnm_V1_DeleteSandboxRequest()
                request.sandbox = sandbox.id
                request.force = true
                _ = try await client.deleteSandbox(request)
            }
            return true
        } catch {
            Issue.record("deleting the test's sandboxes through the API: \(error)")
            return false
        }
    }

    private static func entries(of directory: String, prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            $0.hasPrefix(prefix)
        }
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? "(no log at \(path))"
    }
}

/// cnmd did not start or stop as it should.
struct DaemonFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
