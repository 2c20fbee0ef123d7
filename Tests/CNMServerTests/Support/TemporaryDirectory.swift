import Foundation

/// A directory under /tmp that is removed when the test is done with it.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        // Short paths: a Unix socket path must fit in 108 bytes.
        self.path = "/tmp/cnms-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: self.path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { "\(self.path)/\(name)" }

    deinit {
        try? FileManager.default.removeItem(atPath: self.path)
    }
}
