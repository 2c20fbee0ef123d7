import DNS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A failed socket call in a test helper, with the call and the system's text.
struct TestSocketError: Error, CustomStringConvertible {
    var operation: String
    var code: Int32
    var description: String { "\(operation): \(String(cString: strerror(code)))" }
}

/// A blocking IPv4/IPv6 socket with a receive timeout, so no test can hang on a lost datagram.
/// Plain system calls keep the test client independent of the NIO code under test.
final class TestSocket {
    let descriptor: Int32

    init(type: Int32, family: Int32 = AF_INET, timeoutSeconds: Int = 5) throws {
        descriptor = socket(family, type, 0)
        guard descriptor >= 0 else { throw TestSocketError(operation: "socket", code: errno) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    static func udp(family: Int32 = AF_INET) throws -> TestSocket {
        try TestSocket(type: Int32(SOCK_DGRAM.rawValue), family: family)
    }

    static func tcp(family: Int32 = AF_INET) throws -> TestSocket {
        try TestSocket(type: Int32(SOCK_STREAM.rawValue), family: family)
    }

    func bind(_ address: DNSAddress, port: Int = 0) throws {
        try withSockaddr(address, port: port) { pointer, length in
            guard Glibc.bind(descriptor, pointer, length) == 0 else {
                throw TestSocketError(operation: "bind \(address):\(port)", code: errno)
            }
        }
    }

    func connect(_ address: DNSAddress, port: Int) throws {
        try withSockaddr(address, port: port) { pointer, length in
            guard Glibc.connect(descriptor, pointer, length) == 0 else {
                throw TestSocketError(operation: "connect \(address):\(port)", code: errno)
            }
        }
    }

    func listen() throws {
        guard Glibc.listen(descriptor, 4) == 0 else {
            throw TestSocketError(operation: "listen", code: errno)
        }
    }

    /// The next connection; the receive timeout bounds the wait.
    func accept() throws -> TestSocket {
        let connection = Glibc.accept(descriptor, nil, nil)
        guard connection >= 0 else { throw TestSocketError(operation: "accept", code: errno) }
        return try TestSocket(adopting: connection)
    }

    private init(adopting descriptor: Int32, timeoutSeconds: Int = 5) throws {
        self.descriptor = descriptor
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads one DNS message with its 2-byte length prefix.
    func readFrame() throws -> [UInt8] {
        let prefix = try readExactly(2)
        return try readExactly(Int(prefix[0]) << 8 | Int(prefix[1]))
    }

    /// Writes one DNS message with its 2-byte length prefix.
    func writeFrame(_ bytes: [UInt8]) throws {
        try writeAll([UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes)
    }

    /// The port the kernel gave this socket.
    var localPort: Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
        }
        return Int(Self.port(of: storage))
    }

    func send(_ bytes: [UInt8], to address: DNSAddress, port: Int) throws {
        try withSockaddr(address, port: port) { pointer, length in
            guard sendto(descriptor, bytes, bytes.count, 0, pointer, length) == bytes.count else {
                throw TestSocketError(operation: "sendto \(address):\(port)", code: errno)
            }
        }
    }

    /// One datagram and the port it came from.
    func receive() throws -> (bytes: [UInt8], port: Int) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                recvfrom(descriptor, &buffer, buffer.count, 0, $0, &length)
            }
        }
        guard count >= 0 else { throw TestSocketError(operation: "recvfrom", code: errno) }
        return (Array(buffer[..<count]), Int(Self.port(of: storage)))
    }

    func writeAll(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw TestSocketError(operation: "write", code: errno) }
            sent += count
        }
    }

    func readExactly(_ total: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: total)
        while bytes.count < total {
            let count = read(descriptor, &buffer, total - bytes.count)
            guard count > 0 else {
                throw TestSocketError(operation: "read", code: count == 0 ? ECONNRESET : errno)
            }
            bytes += buffer[..<count]
        }
        return bytes
    }

    private func withSockaddr(
        _ address: DNSAddress, port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Void
    ) throws {
        switch address {
        case .v4(let value):
            var raw = sockaddr_in()
            raw.sin_family = sa_family_t(AF_INET)
            raw.sin_port = UInt16(port).bigEndian
            raw.sin_addr.s_addr = value.bigEndian
            try withUnsafePointer(to: &raw) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6:
            var raw = sockaddr_in6()
            raw.sin6_family = sa_family_t(AF_INET6)
            raw.sin6_port = UInt16(port).bigEndian
            let bytes = address.bytes
            withUnsafeMutableBytes(of: &raw.sin6_addr) { $0.copyBytes(from: bytes) }
            try withUnsafePointer(to: &raw) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }

    private static func port(of storage: sockaddr_storage) -> UInt16 {
        var copy = storage
        return withUnsafePointer(to: &copy) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
    }
}

/// How a test client reaches the server.
enum Transport: String, CaseIterable, CustomStringConvertible {
    case udp
    case tcp
    var description: String { rawValue }
}

/// A DNS client for tests: sends one query and reads one reply, over UDP or TCP.
enum TestClient {
    static func exchange(
        _ bytes: [UInt8], server: DNSAddress = .loopback, port: Int, over transport: Transport,
        from source: DNSAddress? = nil
    ) throws -> [UInt8] {
        let family = server.isIPv4 ? AF_INET : AF_INET6
        switch transport {
        case .udp:
            let socket = try TestSocket.udp(family: family)
            if let source { try socket.bind(source) }
            try socket.send(bytes, to: server, port: port)
            return try socket.receive().bytes
        case .tcp:
            let socket = try TestSocket.tcp(family: family)
            if let source { try socket.bind(source) }
            try socket.connect(server, port: port)
            try socket.writeFrame(bytes)
            return try socket.readFrame()
        }
    }

    static func ask(
        _ name: String, _ type: DNSRecordType, server: DNSAddress = .loopback, port: Int,
        over transport: Transport, from source: DNSAddress? = nil, id: UInt16 = 0x1234
    ) throws -> DNSMessage {
        let reply = try exchange(
            try query(name, type, id: id).encoded(), server: server, port: port, over: transport, from: source
        )
        return try DNSMessage(decoding: reply)
    }

    static func query(_ name: String, _ type: DNSRecordType, id: UInt16 = 0x1234) throws -> DNSMessage {
        var header = DNSHeader(id: id)
        header.recursionDesired = true
        return DNSMessage(header: header, questions: [DNSQuestion(name: try DNSName(name), type: type)])
    }
}

extension DNSAddress {
    static let loopback = DNSAddress("127.0.0.1")!
    static let loopbackV6 = DNSAddress("::1")!
}
