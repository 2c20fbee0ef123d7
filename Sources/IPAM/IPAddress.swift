/// An IPv4 or IPv6 address.
///
/// IPv4 addresses sort before IPv6 ones; within a family the order is numeric. The text form is
/// dotted decimal for IPv4 and RFC 5952 for IPv6 (lower case, longest zero run compressed,
/// IPv4-mapped addresses as `::ffff:a.b.c.d`); `Codable` uses that text.
///
/// Hand-written rather than Foundation's or a package's: IPAM must stay dependency-free and needs
/// the numeric value (for bitmaps and prefix arithmetic), which text-only types do not give.
public enum IPAddress: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// An IPv4 address; bit 31 is the first bit on the wire.
    case v4(UInt32)
    /// An IPv6 address; bit 127 is the first bit on the wire.
    case v6(UInt128)

    /// Creates an address of `family` from its numeric value; bits beyond the family's width are
    /// dropped.
    public init(family: IPFamily, value: UInt128) {
        switch family {
        case .v4: self = .v4(UInt32(truncatingIfNeeded: value))
        case .v6: self = .v6(value)
        }
    }

    /// Parses dotted-decimal IPv4 or RFC 4291 IPv6 text; nil when `description` is neither.
    public init?(_ description: String) {
        if let value = IPAddressText.parseV4(Substring(description)) {
            self = .v4(value)
        } else if let value = IPAddressText.parseV6(Substring(description)) {
            self = .v6(value)
        } else {
            return nil
        }
    }

    /// Parses an address, failing with an `.invalidArgument` error that names `field`.
    public static func parse(_ text: String, field: String = "address") throws(IPAMError) -> IPAddress {
        guard let address = IPAddress(text) else {
            throw .invalid(field, text, "it is not an IPv4 or IPv6 address")
        }
        return address
    }

    /// The address's family.
    public var family: IPFamily {
        switch self {
        case .v4: .v4
        case .v6: .v6
        }
    }

    /// The numeric value, widened to 128 bits for IPv4.
    public var value: UInt128 {
        switch self {
        case .v4(let value): UInt128(value)
        case .v6(let value): value
        }
    }

    /// The address `distance` above this one, wrapping within the family.
    public func advanced(by distance: UInt128) -> IPAddress {
        IPAddress(family: family, value: value &+ distance)
    }

    public var description: String {
        switch self {
        case .v4(let value): IPAddressText.formatV4(value)
        case .v6(let value): IPAddressText.formatV6(value)
        }
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): a < b
        case (.v6(let a), .v6(let b)): a < b
        case (.v4, .v6): true
        case (.v6, .v4): false
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = IPAddress(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid IP address \(text)")
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
