import Foundation

/// Runs a program to its end without blocking a thread of the cooperative pool.
enum Command {
    struct Output {
        var exitCode: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs `executable` with `arguments`, feeding `input` on standard input.
    static func run(_ executable: String, _ arguments: [String], input: Data? = nil) async throws -> Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outFile = directory.appendingPathComponent("out")
        let errFile = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var inputHandle: FileHandle?
        defer { try? inputHandle?.close() }
        if let input {
            let inFile = directory.appendingPathComponent("in")
            try input.write(to: inFile)
            let inHandle = try FileHandle(forReadingFrom: inFile)
            inputHandle = inHandle
            process.standardInput = inHandle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
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
        let exitCode: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Output(
            exitCode: exitCode, stdout: (try? Data(contentsOf: outFile)) ?? Data(),
            stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    /// gzip-compresses `data` with the system's gzip, an implementation independent of the server's.
    static func gzip(_ data: Data) async throws -> Data {
        let output = try await Self.run("/usr/bin/gzip", ["-c"], input: data)
        guard output.exitCode == 0 else { throw CommandFailed(command: "gzip", output: output.stderr) }
        return output.stdout
    }
}

struct CommandFailed: Error, CustomStringConvertible {
    var command: String
    var output: String
    var description: String { "\(self.command) failed: \(self.output)" }
}
