import Foundation

/// The outcome of a program run to its end.
struct ShellResult: Sendable {
    var status: Int32
    var stdout: Data
    var stderr: String

    var text: String { String(decoding: self.stdout, as: UTF8.self) }
}

/// A program that exited with a status other than 0.
struct ShellError: Error, CustomStringConvertible {
    var command: String
    var status: Int32
    var stderr: String

    var description: String { "\(self.command) exited with \(self.status): \(self.stderr)" }
}

/// Runs programs (`ip`, `nft`, `ping`, `nsenter`) without blocking a thread of the
/// cooperative pool: the output goes to temporary files and the exit is awaited through
/// `terminationHandler`.
enum Shell {
    /// Runs `arguments[0]` (looked up in PATH by `/usr/bin/env`) with the rest as arguments.
    static func run(_ arguments: [String]) async throws -> ShellResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cnmr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outFile = directory.appendingPathComponent("out")
        let errFile = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        // Closed here rather than left to Process, which keeps them open: after a few
        // hundred runs the test process passed 1,024 descriptors, where libnftables'
        // select() aborts it.
        let outHandle = try FileHandle(forWritingTo: outFile)
        let errHandle = try FileHandle(forWritingTo: errFile)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        process.standardOutput = outHandle
        process.standardError = errHandle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return ShellResult(
            status: status, stdout: (try? Data(contentsOf: outFile)) ?? Data(),
            stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    /// Runs the command and fails unless it exits with 0.
    @discardableResult
    static func checked(_ arguments: [String]) async throws -> ShellResult {
        let result = try await Self.run(arguments)
        guard result.status == 0 else {
            throw ShellError(
                command: arguments.joined(separator: " "), status: result.status, stderr: result.stderr)
        }
        return result
    }

    /// Parses the JSON output of a command (`ip -j …`, `nft -j …`).
    static func json(_ arguments: [String]) async throws -> Any {
        let result = try await Self.checked(arguments)
        if result.stdout.isEmpty { return [Any]() }
        return try JSONSerialization.jsonObject(with: result.stdout)
    }
}
