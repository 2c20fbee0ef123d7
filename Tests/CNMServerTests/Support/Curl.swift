import Foundation

/// Runs the system's curl (7.88 on this machine) as an independent HTTP client.
///
/// The process is awaited through its termination handler, never by blocking a thread: the
/// server under test needs the cooperative thread pool to answer.
struct Curl {
    /// What curl got back.
    struct Response {
        var exitCode: Int32
        var status: Int
        /// "2" for HTTP/2, "1.1" for HTTP/1.1.
        var httpVersion: String
        /// Lower-cased header names; the last value wins.
        var headers: [String: String]
        var body: Data
        var stderr: String

        var bodyText: String { String(decoding: self.body, as: UTF8.self) }

        /// The body parsed as a JSON object.
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: self.body)) as? [String: Any]
        }
    }

    /// Arguments that select the server and protocol: `--unix-socket`, `--http2-prior-knowledge`.
    var connectArguments: [String]
    /// The URL prefix, e.g. `http://localhost` or `http://127.0.0.1:4711`.
    var baseURL: String

    /// Runs curl against `path` with extra arguments and an optional request body.
    func run(_ path: String, _ arguments: [String] = [], body: Data? = nil) async throws -> Response {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "curl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bodyFile = directory.appendingPathComponent("body")
        let headerFile = directory.appendingPathComponent("headers")
        let outFile = directory.appendingPathComponent("out")
        let errFile = directory.appendingPathComponent("err")
        var requestArguments: [String] = []
        if let body {
            let requestFile = directory.appendingPathComponent("request")
            try body.write(to: requestFile)
            requestArguments = ["--data-binary", "@\(requestFile.path)"]
        }
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments =
            [
                "-sS", "--max-time", "30", "-o", bodyFile.path, "-D", headerFile.path,
                "-w", "%{http_code} %{http_version}",
            ]
            + self.connectArguments + requestArguments + arguments + [self.baseURL + path]
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
        let summary = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
        let parts = summary.split(separator: " ")
        return Response(
            exitCode: exitCode,
            status: parts.first.flatMap { Int($0) } ?? 0,
            httpVersion: parts.count > 1 ? String(parts[1]) : "",
            headers: Self.parseHeaders((try? String(contentsOf: headerFile, encoding: .utf8)) ?? ""),
            body: (try? Data(contentsOf: bodyFile)) ?? Data(),
            stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    private static func parseHeaders(_ text: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = value
        }
        return headers
    }
}
