import Foundation

/// An HTTP response as a raw client saw it.
struct RawResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name }?.value
    }
}

/// A hand-written HTTP/1.1 client on a Unix socket: it sends exactly the bytes it is given,
/// so that malformed request lines, headers and bodies reach cnmd unchanged.
final class RawHTTP1 {
    let socket: UnixSocket

    init(path: String) throws {
        self.socket = try UnixSocket(path: path)
    }

    /// Sends a request made of `head` lines (request line first), a `content-length` unless
    /// `chunked`, and the body.
    func send(
        method: String, path: String, headers: [(name: String, value: String)], body: [UInt8],
        chunked: Bool = false
    ) throws {
        var head = "\(method) \(path) HTTP/1.1\r\nhost: localhost\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if chunked {
            head += "transfer-encoding: chunked\r\n\r\n"
            var bytes = Array(head.utf8)
            var offset = 0
            while offset < body.count {
                let size = min(65536, body.count - offset)
                bytes +=
                    Array("\(String(size, radix: 16))\r\n".utf8) + body[offset..<offset + size] + [
                        0x0D, 0x0A,
                    ]
                offset += size
                if bytes.count > 1 << 20 {
                    try self.socket.write(bytes)
                    bytes = []
                }
            }
            try self.socket.write(bytes + Array("0\r\n\r\n".utf8))
        } else {
            head += "content-length: \(body.count)\r\n\r\n"
            try self.socket.write(Array(head.utf8) + body)
        }
    }

    /// Sends bytes as they are (a malformed request of its own making).
    func sendRaw(_ bytes: [UInt8]) throws {
        try self.socket.write(bytes)
    }

    /// Reads one response: status line, headers, then a body by content-length, chunks, or
    /// up to the close.
    func readResponse() throws -> RawResponse {
        let statusLine = try self.socket.readLine()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw SocketError.system("bad status line \"\(statusLine.prefix(80))\"", 0)
        }
        var headers: [(name: String, value: String)] = []
        while true {
            let line = try self.socket.readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (
                    String(line[..<colon]),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                ))
        }
        var response = RawResponse(status: status, headers: headers, body: [])
        if let length = response.header("content-length").flatMap(Int.init) {
            response.body = try self.socket.read(exactly: length)
        } else if response.header("transfer-encoding")?.lowercased() == "chunked" {
            while true {
                let sizeLine = try self.socket.readLine()
                let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) ?? 0
                if size == 0 {
                    while try !self.socket.readLine().isEmpty {}
                    break
                }
                response.body += try self.socket.read(exactly: size)
                _ = try self.socket.readLine()
            }
        } else if response.header("connection")?.lowercased() == "close" {
            response.body = try self.socket.readToEnd()
        }
        return response
    }
}
