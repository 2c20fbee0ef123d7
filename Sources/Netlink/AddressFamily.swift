import Glibc

/// The IP version of an address or route.
public enum AddressFamily: Sendable, Hashable, CustomStringConvertible {
    case ipv4
    case ipv6

    /// The family of an address in text form (`"172.18.0.2/24"`, `"fd00::1"`): IPv6 has colons.
    public init(of text: String) {
        self = text.contains(":") ? .ipv6 : .ipv4
    }

    init?(rawValue: Int32) {
        switch rawValue {
        case AF_INET: self = .ipv4
        case AF_INET6: self = .ipv6
        default: return nil
        }
    }

    var rawValue: Int32 {
        switch self {
        case .ipv4: AF_INET
        case .ipv6: AF_INET6
        }
    }

    /// Address length in bytes.
    var byteCount: Int {
        self == .ipv4 ? 4 : 16
    }

    public var description: String {
        self == .ipv4 ? "ipv4" : "ipv6"
    }
}
