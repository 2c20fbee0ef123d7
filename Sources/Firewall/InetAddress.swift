import Glibc

/// The IP family of an address, subnet or port binding.
public enum IPFamily: String, Sendable, Hashable, CustomStringConvertible {
    case ipv4
    case ipv6

    public var description: String { rawValue }
}

/// An IPv4 or IPv6 address parsed from text with `inet_pton`, kept in its canonical text form.
///
/// Hand-written instead of using a library: the firewall only needs to validate addresses before
/// they go into an nft script (nothing unchecked may reach the script text), to mask subnets and
/// to test containment; `inet_pton`/`inet_ntop` do the parsing.
struct InetAddress: Hashable, Sendable, CustomStringConvertible {
    let family: IPFamily
    /// Network byte order; 4 or 16 bytes.
    let bytes: [UInt8]

    init?(_ text: String) {
        if let bytes = Self.parse(text, family: AF_INET, size: 4) {
            self.init(family: .ipv4, bytes: bytes)
        } else if let bytes = Self.parse(text, family: AF_INET6, size: 16) {
            self.init(family: .ipv6, bytes: bytes)
        } else {
            return nil
        }
    }

    init(family: IPFamily, bytes: [UInt8]) {
        self.family = family
        self.bytes = bytes
    }

    /// True for `0.0.0.0` and `::`.
    var isUnspecified: Bool { bytes.allSatisfy { $0 == 0 } }

    var bitCount: Int { bytes.count * 8 }

    /// Canonical text (`inet_ntop`): `10.0.0.1`, `fd00::1`.
    var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let af = family == .ipv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(af, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        precondition(ok, "inet_ntop cannot fail on a valid address")
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The address with every bit after the first `prefixLength` cleared.
    func masked(to prefixLength: Int) -> InetAddress {
        var out = bytes
        for index in out.indices {
            let bitsBefore = index * 8
            if bitsBefore >= prefixLength {
                out[index] = 0
            } else if prefixLength - bitsBefore < 8 {
                out[index] &= UInt8(0xff) << (8 - (prefixLength - bitsBefore))
            }
        }
        return InetAddress(family: family, bytes: out)
    }

    private static func parse(_ text: String, family: Int32, size: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: size)
        let rc = bytes.withUnsafeMutableBytes { inet_pton(family, text, $0.baseAddress) }
        return rc == 1 ? bytes : nil
    }
}

/// An IP subnet (`10.1.0.0/24`, `fd00::/64`) with its host bits cleared.
struct InetSubnet: Hashable, Sendable, CustomStringConvertible {
    let network: InetAddress
    let prefixLength: Int

    /// Parses `ADDRESS/LENGTH` (or a bare address, meaning a host route); host bits are cleared.
    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = InetAddress(String(parts[0])) else { return nil }
        var length = address.bitCount
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...address.bitCount).contains(parsed) else { return nil }
            length = parsed
        }
        self.init(address: address, prefixLength: length)
    }

    init(address: InetAddress, prefixLength: Int) {
        network = address.masked(to: prefixLength)
        self.prefixLength = prefixLength
    }

    var family: IPFamily { network.family }

    /// `10.1.0.0/24`.
    var description: String { "\(network)/\(prefixLength)" }

    func contains(_ address: InetAddress) -> Bool {
        address.family == family && address.masked(to: prefixLength) == network
    }
}
