/// An address together with the prefix length of its subnet, as interfaces carry it and as the
/// API reports endpoint addresses: `172.18.0.2/24`.
public struct InterfaceAddress: Sendable, Hashable, Codable, CustomStringConvertible,
    LosslessStringConvertible
{
    /// The host address.
    public let address: IPAddress
    /// The prefix length of the subnet the address belongs to.
    public let prefixLength: Int

    /// Pairs an address with its subnet's prefix length.
    ///
    /// - Precondition: `prefixLength` is within `0...address.family.bitWidth`.
    public init(address: IPAddress, prefixLength: Int) {
        precondition((0...address.family.bitWidth).contains(prefixLength), "prefix length out of range")
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The address with the prefix length of `subnet`.
    public init(address: IPAddress, in subnet: IPSubnet) {
        self.init(address: address, prefixLength: subnet.prefixLength)
    }

    /// Parses "address/length" (host bits may be set); nil when malformed.
    public init?(_ description: String) {
        guard let value = try? Self.parse(description) else { return nil }
        self = value
    }

    /// Parses "address/length"; errors name `field`.
    public static func parse(_ text: String, field: String = "address") throws(IPAMError) -> InterfaceAddress
    {
        let (address, prefixLength) = try IPSubnet.parseCIDR(text, field: field)
        return InterfaceAddress(address: address, prefixLength: prefixLength)
    }

    /// The subnet the address belongs to.
    public var subnet: IPSubnet { IPSubnet(containing: address, prefixLength: prefixLength) }

    public var description: String { "\(address)/\(prefixLength)" }

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
}
