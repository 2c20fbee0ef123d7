import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A process started with `posix_spawnp` and reaped by a thread of its own.
///
/// Hand-written rather than Foundation's `Process`: on Linux its `waitUntilExit` can spin after
/// the child was killed, and the tests kill listeners with SIGKILL. Here one thread per child
/// waits for that child only (`waitid` with `WNOWAIT`, then `waitpid` under the lock), so a
/// signal is never sent to a PID that was already reaped and possibly reused.
///
/// The child gets `/dev/null` as standard input, standard output and error in the given files,
/// default signal dispositions and an empty signal mask.
final class ChildProcess: Sendable {
    /// The child's process ID (also its process group ID when made with `newProcessGroup`).
    let pid: pid_t
    /// The command line, for messages.
    let arguments: [String]
    private let exitStatus = Mutex<Int32?>(nil)

    /// Starts `arguments[0]` (looked up in `PATH`) with `arguments`.
    /// - Parameters:
    ///   - environment: the child's whole environment.
    ///   - standardOutput: file that receives the child's standard output (created or truncated).
    ///   - standardError: file that receives the child's standard error (created or truncated).
    ///   - newProcessGroup: make the child the leader of a new process group, so that
    ///     ``killGroup(_:)`` reaches it and everything it starts.
    init(
        _ arguments: [String], environment: [String: String], standardOutput: String,
        standardError: String, newProcessGroup: Bool = false
    ) throws(SpawnError) {
        precondition(!arguments.isEmpty, "a command needs a program")
        self.arguments = arguments

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw SpawnError(arguments: arguments, reason: String(cString: strerror(result)))
        }
        self.pid = pid
        self.startReaper()
    }

    /// The exit status once the child ended: its exit code, or 128 + the signal that killed it.
    var status: Int32? { exitStatus.withLock { $0 } }

    /// Sends `signal` to the child, unless it was already reaped.
    func send(_ signal: Int32) {
        exitStatus.withLock { status in
            if status == nil { _ = kill(pid, signal) }
        }
    }

    /// Sends `signal` to the child's whole process group (made with `newProcessGroup`).
    func killGroup(_ signal: Int32) {
        exitStatus.withLock { status in
            if status == nil { _ = kill(-pid, signal) }
        }
    }

    /// Waits until the child ends, at most `limit`; returns its status, or nil when it still runs.
    func wait(upTo limit: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + limit
        while true {
            if let status { return status }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private func startReaper() {
        let pid = self.pid
        let thread = Thread { [self] in
            var info = siginfo_t()
            // Wait for the end without reaping, so that `send` cannot hit a reused PID.
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
            exitStatus.withLock { status in
                var raw: Int32 = 0
                while waitpid(pid, &raw, 0) < 0, errno == EINTR {}
                let signal = raw & 0x7f
                status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            }
        }
        thread.name = "reaper-\(pid)"
        thread.start()
    }
}

/// `posix_spawnp` failed.
struct SpawnError: Error, CustomStringConvertible {
    let arguments: [String]
    let reason: String
    var description: String { "cannot start `\(arguments.joined(separator: " "))`: \(reason)" }
}
