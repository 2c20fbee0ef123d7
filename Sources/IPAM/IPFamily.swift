/// The two Internet Protocol versions an address, a subnet or a pool belongs to.
public enum IPFamily: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case v4
    case v6

    /// Number of bits in an address of this family (32 or 128).
    public var bitWidth: Int {
        switch self {
        case .v4: 32
        case .v6: 128
        }
    }

    /// "IPv4" or "IPv6", as error messages spell it.
    public var description: String {
        switch self {
        case .v4: "IPv4"
        case .v6: "IPv6"
        }
    }
}
