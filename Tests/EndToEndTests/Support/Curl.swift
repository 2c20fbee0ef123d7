import Foundation

/// An HTTP response as `curl -i` printed it.
struct CurlResponse: Sendable, CustomStringConvertible {
    /// `2` or `1.1`.
    let version: String
    let status: Int
    /// Header names in lower case.
    let headers: [String: String]
    let body: String

    /// The body parsed as a JSON object (a Connect error or a response message).
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }

    var description: String { "HTTP/\(version) \(status) \(headers) \(body)" }
}

/// Plain curl on cnmd's Unix socket — a Connect client that is not ours.
enum Curl {
    enum Version: String, Sendable, CaseIterable, CustomStringConvertible {
        /// HTTP/2 with prior knowledge (`--http2-prior-knowledge`), as Connect clients speak it.
        case http2 = "2"
        /// HTTP/1.1 (`--http1.1`), which cnmd answers on the same socket.
        case http11 = "1.1"

        var flag: String { self == .http2 ? "--http2-prior-knowledge" : "--http1.1" }
        var description: String { "HTTP/\(rawValue)" }
    }

    /// Sends `body` to `path` (`POST` unless `method` says otherwise) and parses the answer.
    static func call(
        socket: String, _ version: Version, path: String, body: String? = "{}",
        contentType: String = "application/json", method: String = "POST"
    ) async throws -> CurlResponse {
        var arguments = ["curl", "-sS", "-i", "--unix-socket", socket, version.flag, "-X", method]
        if let body {
            arguments += ["-H", "Content-Type: \(contentType)", "--data-binary", body]
        }
        arguments.append("http://localhost" + path)
        let result = try await Command.check(arguments)
        return try parse(result.standardOutput, from: result)
    }

    private static func parse(_ text: String, from result: CommandResult) throws -> CurlResponse {
        guard let split = text.range(of: "\r\n\r\n") else { throw CommandFailure(result: result) }
        let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusLine = head[0].split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            throw CommandFailure(result: result)
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        return CurlResponse(
            version: String(statusLine[0].dropFirst("HTTP/".count)), status: status, headers: headers,
            body: String(text[split.upperBound...]))
    }
}
