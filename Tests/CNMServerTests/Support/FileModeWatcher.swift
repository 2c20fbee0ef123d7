import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Looks at a path from a thread of its own, as often as it can, and records every file mode it
/// sees there: catches a file that shows up with one mode and is changed a moment later.
final class FileModeWatcher: Sendable {
    private struct State {
        var stopRequested = false
        var stopped = false
        var modes: Set<UInt32> = []
    }

    private let state = Mutex(State())

    /// Starts watching `path`.
    init(_ path: String) {
        Thread.detachNewThread { [self] in
            var modes: Set<UInt32> = []
            var info = stat()
            while !self.state.withLock({ $0.stopRequested }) {
                if lstat(path, &info) == 0 {
                    modes.insert(UInt32(info.st_mode & 0o7777))
                }
            }
            if lstat(path, &info) == 0 { modes.insert(UInt32(info.st_mode & 0o7777)) }
            self.state.withLock { state in
                state.modes = modes
                state.stopped = true
            }
        }
    }

    /// Stops watching and returns the permission bits seen (empty if the path never existed).
    func stop() async throws -> Set<UInt32> {
        self.state.withLock { $0.stopRequested = true }
        while true {
            if let modes = self.state.withLock({ $0.stopped ? $0.modes : nil }) { return modes }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
