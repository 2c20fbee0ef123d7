/// Hands out the addresses of one subnet: the gateway, auxiliary addresses and the endpoints'
/// addresses, never one twice.
///
/// Rules (Docker's default IPAM, cnm.md §3.3):
/// - IPv4 network and broadcast addresses (prefix < /31) and the IPv6 subnet-router anycast
///   address (prefix < /127) are never handed out.
/// - The gateway is the one given, else the first host address; it is reserved.
/// - Auxiliary addresses (name → address) must lie in the subnet and are reserved.
/// - Dynamic allocation gives the lowest free address of `ipRange` (or of the whole subnet), so a
///   released address is reused first; a static request may name any free address of the subnet.
///
/// The state is not persisted: the controller stores endpoints and rebuilds an allocator with
/// `init(subnet:gateway:ipRange:auxAddresses:restoring:)` from their addresses.
public struct SubnetAddressAllocator: Sendable {
    /// The subnet addresses are taken from.
    public let subnet: IPSubnet
    /// The gateway address, reserved.
    public let gateway: IPAddress
    /// The block dynamic allocation is restricted to, if any.
    public let ipRange: IPSubnet?
    /// Reserved auxiliary addresses by name.
    public let auxAddresses: [String: IPAddress]
    /// Number of addresses currently allocated to endpoints (gateway and auxiliary addresses
    /// not counted).
    public private(set) var allocatedCount: UInt128 = 0

    private var taken: AddressSet
    /// Who holds a reserved address, for error messages: "the gateway", "auxiliary address X".
    private let reservedBy: [IPAddress: String]
    /// The network/broadcast or anycast addresses, with what they are.
    private let special: [IPAddress: String]

    /// Creates the allocator of `subnet`, reserving its special addresses, the gateway and the
    /// auxiliary addresses.
    ///
    /// - Throws: `.invalidArgument` when the gateway, the range or an auxiliary address is not in
    ///   the subnet or is a special address; `.inUse` when two of them are the same address.
    public init(
        subnet: IPSubnet, gateway: IPAddress? = nil, ipRange: IPSubnet? = nil,
        auxAddresses: [String: IPAddress] = [:]
    ) throws(IPAMError) {
        self.subnet = subnet
        self.ipRange = ipRange
        self.auxAddresses = auxAddresses
        taken = AddressSet(hostBits: subnet.hostBits)
        if let ipRange, !subnet.contains(ipRange) {
            throw .invalid(
                "ip-range", ipRange.description, "parent subnet \(subnet) doesn't contain ip-range")
        }
        let special = Self.specialAddresses(of: subnet)
        self.special = special
        for (address, _) in special { _ = taken.insert(address.value - subnet.first.value) }

        var reservedBy: [IPAddress: String] = [:]
        var holders = [
            (field: "gateway", holder: "the gateway", address: gateway ?? Self.firstHost(of: subnet))
        ]
        for name in auxAddresses.keys.sorted() {
            holders.append(("auxiliary address \(name)", "auxiliary address \(name)", auxAddresses[name]!))
        }
        for (field, holder, address) in holders {
            try Self.checkAssignable(address, in: subnet, field: field, special: special)
            if let other = reservedBy[address] {
                throw IPAMError(
                    .inUse, field: field, value: address.description,
                    message: "invalid \(field) \(address): address is already in use by \(other)")
            }
            reservedBy[address] = holder
            _ = taken.insert(address.value - subnet.first.value)
        }
        self.gateway = holders[0].address
        self.reservedBy = reservedBy
    }

    /// Creates the allocator and marks `addresses` (the stored endpoints' addresses) allocated.
    ///
    /// - Throws: as `init(subnet:gateway:ipRange:auxAddresses:)`, and as `allocate(_:)` for an
    ///   address that is outside the subnet, reserved, or listed twice.
    public init(
        subnet: IPSubnet, gateway: IPAddress? = nil, ipRange: IPSubnet? = nil,
        auxAddresses: [String: IPAddress] = [:], restoring addresses: some Sequence<IPAddress>
    ) throws(IPAMError) {
        try self.init(subnet: subnet, gateway: gateway, ipRange: ipRange, auxAddresses: auxAddresses)
        for address in addresses { try allocate(address) }
    }

    /// Allocates the lowest free address of the range (or the subnet).
    ///
    /// - Throws: `.exhausted` naming the subnet (and range) when none is left.
    public mutating func allocate() throws(IPAMError) -> IPAddress {
        let block = ipRange ?? subnet
        let base = subnet.first.value
        guard let offset = taken.firstFree(in: (block.first.value - base)...(block.last.value - base)) else {
            if let ipRange {
                throw IPAMError(
                    .exhausted, field: "ip-range", value: ipRange.description,
                    message: "no available addresses in ip-range \(ipRange) of subnet \(subnet)")
            }
            throw IPAMError(
                .exhausted, field: "subnet", value: subnet.description,
                message: "no available addresses in subnet \(subnet)")
        }
        _ = taken.insert(offset)
        allocatedCount += 1
        return IPAddress(family: subnet.family, value: base + offset)
    }

    /// Allocates a specific address (a static request); it may lie outside `ipRange`.
    ///
    /// - Throws: `.invalidArgument` when the address is not in the subnet or is a special
    ///   address; `.inUse` when it is taken. Messages use `field`.
    public mutating func allocate(_ address: IPAddress, field: String = "address") throws(IPAMError) {
        try Self.checkAssignable(
            address, in: subnet, field: field, special: special)
        guard taken.insert(address.value - subnet.first.value) else {
            let holder = reservedBy[address].map { " by \($0)" } ?? ""
            throw IPAMError(
                .inUse, field: field, value: address.description,
                message: "address \(address) is already in use\(holder)")
        }
        allocatedCount += 1
    }

    /// Gives back an address allocated to an endpoint.
    ///
    /// - Throws: `.notFound` when the address is not allocated (or is the gateway, an auxiliary
    ///   or a special address, which are never released).
    public mutating func release(_ address: IPAddress) throws(IPAMError) {
        let notAllocated = IPAMError(
            .notFound, field: "address", value: address.description,
            message: "address \(address) is not allocated in subnet \(subnet)")
        guard subnet.contains(address), reservedBy[address] == nil,
            special[address] == nil
        else { throw notAllocated }
        guard taken.remove(address.value - subnet.first.value) else { throw notAllocated }
        allocatedCount -= 1
    }

    /// True when `address` is taken (by an endpoint, the gateway or an auxiliary address).
    public func isTaken(_ address: IPAddress) -> Bool {
        subnet.contains(address) && taken.contains(address.value - subnet.first.value)
    }

    /// Parses a requested address given as a plain address or as a CIDR with this subnet's prefix
    /// length ("172.18.0.5" or "172.18.0.5/24"); errors name `field`.
    public func parseRequestedAddress(_ text: String, field: String = "address") throws(IPAMError)
        -> IPAddress
    {
        guard text.contains("/") else { return try IPAddress.parse(text, field: field) }
        let requested = try InterfaceAddress.parse(text, field: field)
        guard requested.prefixLength == subnet.prefixLength else {
            throw .invalid(
                field, text, "the prefix length must be \(subnet.prefixLength), the one of subnet \(subnet)")
        }
        return requested.address
    }

    /// The first host address: the gateway unless one is given.
    static func firstHost(of subnet: IPSubnet) -> IPAddress {
        subnet.hostBits >= 2 ? subnet.first.advanced(by: 1) : subnet.first
    }

    /// Addresses of `subnet` that are never handed out, with what they are.
    static func specialAddresses(of subnet: IPSubnet) -> [IPAddress: String] {
        guard subnet.hostBits >= 2 else { return [:] }
        switch subnet.family {
        case .v4: return [subnet.first: "the network address", subnet.last: "the broadcast address"]
        case .v6: return [subnet.first: "the subnet-router anycast address"]
        }
    }

    private static func checkAssignable(
        _ address: IPAddress, in subnet: IPSubnet, field: String, special: [IPAddress: String]
    ) throws(IPAMError) {
        guard subnet.contains(address) else {
            throw .invalid(
                field, address.description, "it does not belong to this network's subnet \(subnet)")
        }
        if let what = special[address] {
            throw .invalid(field, address.description, "it is \(what) of subnet \(subnet)")
        }
    }
}
