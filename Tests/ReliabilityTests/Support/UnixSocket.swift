import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A failure of a raw socket exchange.
enum SocketError: Error, Equatable, CustomStringConvertible {
    /// No byte arrived (or could be sent) within the socket's timeout.
    case timeout
    /// The peer closed the connection (EOF, EPIPE, ECONNRESET).
    case closed
    case system(String, Int32)

    var description: String {
        switch self {
        case .timeout: "timed out"
        case .closed: "connection closed by cnmd"
        case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
        }
    }
}

/// A blocking Unix stream socket with send/receive timeouts, for hand-written HTTP/1.1 and
/// HTTP/2 exchanges that no well-behaved client library would produce. It is not Sendable:
/// one thread owns it (see ``onDedicatedThread(_:)``).
///
/// Hand-written rather than a NIO client: the hostile tests must send bytes that NIO's own
/// HTTP/2 and HTTP/1.1 encoders refuse to produce (broken frames, resets in a loop, endless
/// CONTINUATION), and the test target depends on the SDK only.
final class UnixSocket {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(path: String, timeout: TimeInterval = 10) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError.system("socket", errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(fd)
            throw SocketError.system("connect \(path)", code)
        }
        var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
    }

    deinit {
        close(self.fd)
    }

    /// Sends every byte (MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE).
    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                send(self.fd, raw.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                let code = errno
                if code == EINTR { continue }
                if code == EAGAIN || code == EWOULDBLOCK { throw SocketError.timeout }
                if code == EPIPE || code == ECONNRESET { throw SocketError.closed }
                throw SocketError.system("send", code)
            }
            offset += sent
        }
    }

    /// Reads what is available (at least one byte), or throws `.closed` at EOF.
    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress!, $0.count, 0) }
            if count > 0 {
                self.buffer.append(contentsOf: chunk[0..<count])
                return
            }
            if count == 0 { throw SocketError.closed }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { throw SocketError.timeout }
            if code == ECONNRESET { throw SocketError.closed }
            throw SocketError.system("recv", code)
        }
    }

    /// Whether a read would find data (or EOF) within `milliseconds`.
    func isReadable(within milliseconds: Int32) -> Bool {
        if !self.buffer.isEmpty { return true }
        var descriptor = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    func read(exactly count: Int) throws -> [UInt8] {
        while self.buffer.count < count { try self.fill() }
        let result = Array(self.buffer[0..<count])
        self.buffer.removeFirst(count)
        return result
    }

    /// One line without its CRLF.
    func readLine() throws -> String {
        while true {
            if let index = self.buffer.firstIndex(of: 0x0A) {
                var line = Array(self.buffer[0..<index])
                self.buffer.removeFirst(index + 1)
                if line.last == 0x0D { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            try self.fill()
        }
    }

    /// Everything until the peer closes.
    func readToEnd() throws -> [UInt8] {
        while true {
            do {
                try self.fill()
            } catch SocketError.closed {
                defer { self.buffer = [] }
                return self.buffer
            }
        }
    }
}

/// Runs blocking socket work on a thread of its own, never on the cooperative pool.
func onDedicatedThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
