import CNMAPI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A published port as `-p` takes it: `[IP:]HOST:CONTAINER[/PROTO]`, e.g. `8080:80`,
/// `127.0.0.1:8080:80/udp`, `[::1]:8080:80`.
public struct PortSpec: Sendable, Hashable {
    /// Host address to bind; empty = every address.
    public var hostIP: String
    public var hostPort: UInt32
    public var containerPort: UInt32
    /// `tcp` or `udp`.
    public var proto: String

    public init(hostIP: String = "", hostPort: UInt32, containerPort: UInt32, proto: String = "tcp") {
        self.hostIP = hostIP
        self.hostPort = hostPort
        self.containerPort = containerPort
        self.proto = proto
    }

    /// - Throws: ``CLIParseError`` naming the text and what is wrong with it.
    public init(parsing text: String) throws(CLIParseError) {
        let expected = "[IP:]HOST:CONTAINER[/PROTO]"
        func fail(_ reason: String) -> CLIParseError {
            CLIParseError(value: text, expected: expected, reason: reason)
        }
        var rest = Substring(text)
        var proto = "tcp"
        if let slash = rest.lastIndex(of: "/") {
            proto = rest[rest.index(after: slash)...].lowercased()
            guard proto == "tcp" || proto == "udp" else { throw fail("protocol must be tcp or udp") }
            rest = rest[..<slash]
        }
        var hostIP = ""
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw fail("missing ']' after the IPv6 address")
            }
            hostIP = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else { throw fail("expected ':' after the host address") }
            rest = rest.dropFirst()
            guard Self.isIPv6(hostIP) else { throw fail("'\(hostIP)' is not an IPv6 address") }
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        let portParts: ArraySlice<Substring>
        switch parts.count {
        case 2:
            portParts = parts[...]
        case 3 where hostIP.isEmpty:
            hostIP = String(parts[0])
            guard Self.isIPv4(hostIP) else {
                throw fail("'\(hostIP)' is not an IPv4 address (write IPv6 addresses in brackets)")
            }
            portParts = parts[1...]
        default:
            throw fail("needs a host port and a container port")
        }
        self.hostIP = hostIP
        self.hostPort = try Self.port(portParts[portParts.startIndex], what: "host port", fail: fail)
        self.containerPort = try Self.port(
            portParts[portParts.startIndex + 1], what: "container port", fail: fail)
        self.proto = proto
    }

    /// The API's form of the binding.
    public var binding: Cnm_V1_PortBinding {
        var binding = Cnm_V1_PortBinding()
        binding.hostIp = hostIP
        binding.hostPort = hostPort
        binding.containerPort = containerPort
        binding.`protocol` = proto
        return binding
    }

    private static func port(
        _ text: Substring, what: String, fail: (String) -> CLIParseError
    ) throws(CLIParseError) -> UInt32 {
        guard let port = UInt32(text), (1...65535).contains(port) else {
            throw fail("\(what) '\(text)' is not a number from 1 to 65535")
        }
        return port
    }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
