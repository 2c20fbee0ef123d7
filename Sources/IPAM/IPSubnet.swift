/// A CIDR block: a network address and a prefix length, e.g. `172.18.0.0/24`.
///
/// The address is always the masked network address. `parse` is strict, as Docker is: host bits
/// must be zero ("invalid subnet 172.18.0.5/24: it should be 172.18.0.0/24"). `Codable` uses the
/// text form.
public struct IPSubnet: Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The network (first) address.
    public let address: IPAddress
    /// The prefix length, 0...32 for IPv4 and 0...128 for IPv6.
    public let prefixLength: Int

    /// The subnet of `prefixLength` bits that contains `address` (host bits are cleared).
    ///
    /// - Precondition: `prefixLength` is within `0...address.family.bitWidth`.
    public init(containing address: IPAddress, prefixLength: Int) {
        precondition((0...address.family.bitWidth).contains(prefixLength), "prefix length out of range")
        self.prefixLength = prefixLength
        self.address = IPAddress(
            family: address.family,
            value: address.value & Self.networkMask(family: address.family, prefixLength: prefixLength))
    }

    /// Parses strict CIDR text; nil when it is malformed or has host bits set.
    public init?(_ description: String) {
        guard let subnet = try? Self.parse(description) else { return nil }
        self = subnet
    }

    /// Parses CIDR text whose host bits are zero; errors name `field` (e.g. "subnet", "ip-range").
    public static func parse(_ text: String, field: String = "subnet") throws(IPAMError) -> IPSubnet {
        let (address, prefixLength) = try parseCIDR(text, field: field)
        let subnet = IPSubnet(containing: address, prefixLength: prefixLength)
        guard subnet.address == address else {
            throw .invalid(field, text, "it should be \(subnet)")
        }
        return subnet
    }

    /// Splits "address/length" into its parts, checking both; the address may have host bits set.
    static func parseCIDR(_ text: String, field: String) throws(IPAMError) -> (IPAddress, Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(String(parts[0])),
            parts[1].count <= 3, parts[1].allSatisfy({ $0.isNumber && $0.isASCII }),
            let length = Int(parts[1]), (0...address.family.bitWidth).contains(length),
            parts[1].count == 1 || parts[1].first != "0"
        else {
            throw .invalid(field, text, "invalid CIDR block notation")
        }
        return (address, length)
    }

    /// The subnet's family.
    public var family: IPFamily { address.family }

    /// Number of host bits (`bitWidth - prefixLength`).
    public var hostBits: Int { family.bitWidth - prefixLength }

    /// The first address (the network address).
    public var first: IPAddress { address }

    /// The last address (the IPv4 broadcast address).
    public var last: IPAddress {
        IPAddress(
            family: family, value: address.value | Self.hostMask(family: family, prefixLength: prefixLength))
    }

    /// The netmask, e.g. 255.255.255.0 for a /24.
    public var mask: IPAddress {
        IPAddress(family: family, value: Self.networkMask(family: family, prefixLength: prefixLength))
    }

    /// Number of addresses in the block; saturates at `UInt128.max` for `::/0`.
    public var addressCount: UInt128 {
        hostBits >= 128 ? .max : UInt128(1) << hostBits
    }

    /// Number of addresses that can be given to hosts: IPv4 loses the network and broadcast
    /// addresses (except /31 and /32), IPv6 the subnet-router anycast address (except /127, /128).
    public var hostCount: UInt128 {
        switch family {
        case .v4: hostBits <= 1 ? addressCount : addressCount - 2
        case .v6: hostBits <= 1 ? addressCount : addressCount - 1
        }
    }

    /// True when `address` lies in this block.
    public func contains(_ address: IPAddress) -> Bool {
        address.family == family && first <= address && address <= last
    }

    /// True when every address of `other` lies in this block.
    public func contains(_ other: IPSubnet) -> Bool {
        other.family == family && other.prefixLength >= prefixLength && contains(other.address)
    }

    /// True when the two blocks share at least one address.
    public func overlaps(_ other: IPSubnet) -> Bool {
        other.family == family && first <= other.last && other.first <= last
    }

    public var description: String { "\(address)/\(prefixLength)" }

    public static func < (lhs: IPSubnet, rhs: IPSubnet) -> Bool {
        lhs.address != rhs.address ? lhs.address < rhs.address : lhs.prefixLength < rhs.prefixLength
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Self.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func hostMask(family: IPFamily, prefixLength: Int) -> UInt128 {
        let hostBits = family.bitWidth - prefixLength
        return hostBits >= 128 ? .max : (UInt128(1) << hostBits) - 1
    }

    static func networkMask(family: IPFamily, prefixLength: Int) -> UInt128 {
        let all: UInt128 = family == .v4 ? UInt128(UInt32.max) : .max
        return all & ~hostMask(family: family, prefixLength: prefixLength)
    }
}
