import CNMAPI
import CNMClient
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The real `cnmd` binary, run in a network namespace of its own (`cnmr-TAG`) with its socket,
/// state directory and log under `/tmp/cnmr-TAG`.
///
/// cnmd is started with `nsenter --net=…`, not `ip netns exec`: `ip netns exec` also gives the
/// program a mount namespace of its own whose mounts never propagate back, so the sandbox
/// namespaces cnmd bind-mounts under /run/netns would be invisible to the test, and would die
/// with every kill of cnmd. `nsenter --net` changes only the network namespace and then execs
/// cnmd, so the PID it reports is cnmd's own.
actor CNMDaemon {
    /// Prefix of every sandbox and network name the test makes.
    let tag: String
    /// The network namespace cnmd runs in.
    let netns: String
    let directory: String
    nonisolated var socketPath: String { "\(self.directory)/cnmd.sock" }
    nonisolated var stateDirectory: String { "\(self.directory)/state" }
    nonisolated var logPath: String { "\(self.directory)/cnmd.log" }

    private var process: Process?
    /// The PID of the running cnmd (0 when none runs).
    private(set) var pid: Int32 = 0

    init(tag: String) {
        self.tag = tag
        self.netns = "cnmr-\(tag)"
        self.directory = "/tmp/cnmr-\(tag)"
    }

    /// Creates the namespace (loopback up) and the directory.
    func prepare() async throws {
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: self.logPath, contents: nil)
        try await Shell.checked(["ip", "netns", "add", self.netns])
        try await Shell.checked(["ip", "-n", self.netns, "link", "set", "lo", "up"])
    }

    /// Starts cnmd and waits until it answers Health.
    func start(_ extraArguments: [String] = []) async throws {
        try self.launch(extraArguments)
        try await self.waitUntilServing()
    }

    /// Starts cnmd without waiting for it.
    func launch(_ extraArguments: [String] = []) throws {
        precondition(self.process?.isRunning != true, "cnmd already runs")
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: self.logPath))
        defer { try? log.close() }  // cnmd has its own copy once it runs
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments =
            [
                "--net=/run/netns/\(self.netns)", "--", try Self.binary(), "--socket", self.socketPath,
                "--state-dir", self.stateDirectory, "--dns-upstream", "none",
            ] + extraArguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        self.pid = process.processIdentifier
    }

    /// Waits until Health answers SERVING; fails with the log when cnmd exits or takes too long.
    func waitUntilServing(timeout: Duration = .seconds(30)) async throws {
        let client = try self.makeClient()
        defer { Task { await client.close() } }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            guard let process, process.isRunning else {
                throw DaemonError(
                    message: "cnmd exited with \(self.process?.terminationStatus ?? -1)", log: self.logTail())
            }
            if let health = try? await client.health(options: CNMCallOptions(timeout: .seconds(2))),
                health.status == "SERVING"
            {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw DaemonError(message: "cnmd did not answer Health within \(timeout)", log: self.logTail())
    }

    /// Whether the cnmd this daemon started still runs.
    var isRunning: Bool { self.process?.isRunning == true }

    /// Sends `signal` to cnmd (by its PID).
    func signal(_ signal: Int32) {
        guard self.pid > 0, self.process?.isRunning == true else { return }
        kill(self.pid, signal)
    }

    /// Waits until cnmd has exited; returns its exit status, or nil after `timeout`.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(15)) async throws -> Int32? {
        guard let process else { return nil }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try await Task.sleep(for: .milliseconds(5))
        }
        self.pid = 0
        return process.terminationStatus
    }

    /// kill -9, then waits for the process to be gone.
    func killHard() async throws {
        self.signal(SIGKILL)
        guard try await self.waitForExit() != nil else {
            throw DaemonError(message: "cnmd survived SIGKILL", log: self.logTail())
        }
    }

    /// SIGTERM (graceful stop), then waits for the exit status.
    func stop() async throws -> Int32 {
        self.signal(SIGTERM)
        guard let status = try await self.waitForExit(timeout: .seconds(40)) else {
            throw DaemonError(message: "cnmd did not stop on SIGTERM", log: self.logTail())
        }
        return status
    }

    /// cnmd's resident set size in KiB (`VmRSS` of /proc/PID/status).
    func residentKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(self.pid)/status", encoding: .utf8)
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let digits = line.filter(\.isNumber)
            if let value = Int(digits) { return value }
        }
        throw DaemonError(message: "no VmRSS in /proc/\(self.pid)/status", log: "")
    }

    /// A new SDK client on cnmd's socket.
    nonisolated func makeClient() throws -> CNMClient {
        try CNMClient(endpoint: .unix(path: self.socketPath))
    }

    /// The lines of cnmd's log (over all its runs) that contain `text`.
    nonisolated func logLines(containing text: String) -> [String] {
        let log = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains(text) }.map(String.init)
    }

    /// The last lines of cnmd's log.
    nonisolated func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(
            separator: "\n")
    }

    /// Stops cnmd if it runs and removes everything the test made: the sandbox namespaces and
    /// their /etc/netns directories (names starting with the tag), cnmd's namespace (its
    /// bridges and veths die with it) and the directory.
    func destroy() async {
        if self.process?.isRunning == true {
            self.signal(SIGTERM)
            if (try? await self.waitForExit(timeout: .seconds(20))) == nil {
                try? await self.killHard()
            }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? []
        for name in names where name.hasPrefix(self.tag) {
            _ = try? await Shell.run(["ip", "netns", "del", name])
            try? FileManager.default.removeItem(atPath: "/run/netns/\(name)")
        }
        let etc = (try? FileManager.default.contentsOfDirectory(atPath: "/etc/netns")) ?? []
        for name in etc where name.hasPrefix(self.tag) {
            try? FileManager.default.removeItem(atPath: "/etc/netns/\(name)")
        }
        _ = try? await Shell.run(["ip", "netns", "del", self.netns])
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    /// Runs `body` with a prepared daemon (not started) and always destroys it afterwards.
    static func with<T: Sendable>(
        tag: String, _ body: @Sendable (CNMDaemon) async throws -> T
    ) async throws -> T {
        let daemon = CNMDaemon(tag: tag)
        do {
            try await daemon.prepare()
            let result = try await body(daemon)
            await daemon.destroy()
            return result
        } catch {
            await daemon.destroy()
            throw error
        }
    }

    /// The cnmd binary next to the test bundle (both are products of the same build).
    static func binary() throws -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("cnmd").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw DaemonError(
            message: "no cnmd next to the test binary \(executable): run swift build --build-tests first",
            log: "")
    }
}

/// cnmd did not start, stop or answer as expected; carries the end of its log.
struct DaemonError: Error, CustomStringConvertible {
    var message: String
    var log: String

    var description: String {
        self.log.isEmpty ? self.message : "\(self.message)\n--- cnmd log ---\n\(self.log)"
    }
}
