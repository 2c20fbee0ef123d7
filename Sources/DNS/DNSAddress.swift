#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 or IPv6 address, as DNS answers carry it and as a client asks from it.
///
/// The DNS module has its own small address type so that it depends on no other cnm module;
/// the controller converts its own addresses with `init?(_:)` or `init?(bytes:)`.
public enum DNSAddress: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 address in host byte order: 127.0.0.1 is `0x7F00_0001`.
    case v4(UInt32)
    /// An IPv6 address as two halves in host byte order; `high` holds the first eight bytes.
    case v6(high: UInt64, low: UInt64)

    /// Parses dotted-quad IPv4 or textual IPv6 (no zone, no brackets).
    public init?(_ text: String) {
        if text.utf8.contains(UInt8(ascii: ":")) {
            var raw = in6_addr()
            guard inet_pton(AF_INET6, text, &raw) == 1 else { return nil }
            self.init(bytes: withUnsafeBytes(of: &raw) { Array($0) })
        } else {
            var raw = in_addr()
            guard inet_pton(AF_INET, text, &raw) == 1 else { return nil }
            self = .v4(UInt32(bigEndian: raw.s_addr))
        }
    }

    /// Reads 4 bytes as IPv4 or 16 bytes as IPv6, in network order; any other count gives nil.
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            let high = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let low = bytes.suffix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            self = .v6(high: high, low: low)
        default:
            return nil
        }
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool {
        if case .v4 = self { return true }
        return false
    }

    /// The address in network byte order: 4 or 16 bytes.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value):
            return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        case .v6(let high, let low):
            return (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
        }
    }

    /// The canonical text form ("10.0.0.1", "fd00::1").
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var bytes = self.bytes
        let family = isIPv4 ? AF_INET : AF_INET6
        let text = bytes.withUnsafeMutableBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard text != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The name a PTR query asks for this address: "1.0.0.10.in-addr.arpa." or the 32 nibbles
    /// under "ip6.arpa." (RFC 1035 §3.5, RFC 3596 §2.5).
    public var reverseName: DNSName {
        var labels: [[UInt8]]
        switch self {
        case .v4:
            labels = bytes.reversed().map { Array(String($0).utf8) }
            labels += [Array("in-addr".utf8), Array("arpa".utf8)]
        case .v6:
            let hex = Array("0123456789abcdef".utf8)
            labels = bytes.reversed().flatMap { [[hex[Int($0 & 0x0F)]], [hex[Int($0 >> 4)]]] }
            labels += [Array("ip6".utf8), Array("arpa".utf8)]
        }
        // Both forms are far below the name limits.
        return try! DNSName(labels: labels)
    }

    /// The address a reverse name stands for, or nil when `name` is not a complete
    /// in-addr.arpa or ip6.arpa address name.
    public init?(reverseName name: DNSName) {
        let labels = name.labels.map { $0.map(DNSName.lowercase) }
        guard labels.count >= 2, labels[labels.count - 1] == Array("arpa".utf8) else { return nil }
        let zone = labels[labels.count - 2]
        let parts = labels.dropLast(2)
        if zone == Array("in-addr".utf8) && parts.count == 4 {
            var bytes: [UInt8] = []
            for part in parts.reversed() {
                guard (1...3).contains(part.count), part.allSatisfy({ (48...57).contains($0) }),
                    part.count == 1 || part[0] != UInt8(ascii: "0"),
                    let value = UInt8(String(decoding: part, as: UTF8.self))
                else { return nil }
                bytes.append(value)
            }
            self.init(bytes: bytes)
        } else if zone == Array("ip6".utf8) && parts.count == 32 {
            var nibbles: [UInt8] = []
            for part in parts.reversed() {
                guard part.count == 1, let value = UInt8(String(UnicodeScalar(part[0])), radix: 16) else {
                    return nil
                }
                nibbles.append(value)
            }
            self.init(bytes: stride(from: 0, to: 32, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] })
        } else {
            return nil
        }
    }
}
