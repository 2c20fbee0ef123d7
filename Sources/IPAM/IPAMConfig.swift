/// One validated IPAM configuration entry of a network (Docker's `IPAM.Config[]` element): every
/// field parsed and consistent with the subnet. A nil `subnet` asks for one from the pools; the
/// other fields are then empty. Build one from request text with `IPAMConfigRequest`.
public struct IPAMConfig: Sendable, Hashable, Codable {
    /// The requested subnet, or nil to take one from the pools.
    public var subnet: IPSubnet?
    /// The block dynamic addresses come from.
    public var ipRange: IPSubnet?
    /// The requested gateway, or nil for the first host address.
    public var gateway: IPAddress?
    /// Reserved addresses by name.
    public var auxAddresses: [String: IPAddress]

    /// A configuration from already parsed values.
    public init(
        subnet: IPSubnet? = nil, ipRange: IPSubnet? = nil, gateway: IPAddress? = nil,
        auxAddresses: [String: IPAddress] = [:]
    ) {
        self.subnet = subnet
        self.ipRange = ipRange
        self.gateway = gateway
        self.auxAddresses = auxAddresses
    }
}
