import Foundation
import IPAM

/// The controller's view of IPAM: subnets per network and addresses per endpoint,
/// in the text form the model stores. The IPAM module does the allocating; this
/// type only keeps one `SubnetAddressAllocator` per network subnet and translates.
struct AddressManager {
    private var pools: SubnetPools
    /// Allocators of each network's subnets (IPv4 first, then IPv6).
    private var allocators: [String: [SubnetAddressAllocator]] = [:]
    /// The pools' subnets each network holds, to give back on delete.
    private var heldSubnets: [String: [IPSubnet]] = [:]

    init(userPools: [String], machineID: String) throws {
        var parsed: [AddressPool] = []
        for text in userPools { parsed.append(try AddressPool.parse(text)) }
        pools = SubnetPools(pools: parsed, machineID: machineID.isEmpty ? Self.hostMachineID() : machineID)
    }

    /// Whether an IPAM request is for IPv6 (by its subnet, range or gateway).
    static func isIPv6Request(_ request: IPAMConfigRequest) throws -> Bool {
        for text in [request.subnet, request.ipRange, request.gateway] where !text.isEmpty {
            return text.contains(":")
        }
        return false
    }

    /// Picks or reserves the subnets of a new network and reserves gateways and aux addresses.
    mutating func allocateSubnets(
        networkID: String, networkName: String, requests: [IPAMConfigRequest], ipv6: Bool, avoiding: [String]
    ) throws -> [SubnetRecord] {
        let configs = try IPAM.IPAMConfigRequest.validate(
            requests.map {
                IPAM.IPAMConfigRequest(
                    subnet: $0.subnet, ipRange: $0.ipRange, gateway: $0.gateway, auxAddresses: $0.auxAddresses
                )
            })
        let excluded = Self.excludedPrefixes(avoiding)
        var records: [SubnetRecord] = []
        var held: [IPSubnet] = []
        var made: [SubnetAddressAllocator] = []
        do {
            for config in configs {
                let subnet: IPSubnet
                if let requested = config.subnet {
                    guard (requested.family == .v6) == ipv6 else {
                        throw CNMError.invalid("ipam.subnet", requested.description, "mixes IPv4 and IPv6")
                    }
                    try pools.reserve(requested, owner: networkName, excluding: excluded)
                    subnet = requested
                } else {
                    subnet = try pools.allocate(ipv6 ? .v6 : .v4, owner: networkName, excluding: excluded)
                }
                held.append(subnet)
                let allocator = try SubnetAddressAllocator(
                    subnet: subnet, gateway: config.gateway, ipRange: config.ipRange,
                    auxAddresses: config.auxAddresses)
                made.append(allocator)
                records.append(Self.record(allocator))
            }
        } catch {
            for subnet in held { try? pools.release(subnet) }
            throw error
        }
        allocators[networkID, default: []] += made
        heldSubnets[networkID, default: []] += held
        return records
    }

    /// The default network's subnet: `--bridge-subnet`, else 172.17.0.0/16 or the first free /16.
    mutating func allocateDefaultBridgeSubnet(networkID: String, requested: String, avoiding: [String]) throws
        -> SubnetRecord
    {
        let subnet: IPSubnet
        if requested.isEmpty {
            subnet = try pools.allocateDefaultBridge(
                owner: "bridge", excluding: Self.excludedPrefixes(avoiding))
        } else {
            subnet = try IPSubnet.parse(requested, field: "bridge-subnet")
            try pools.reserve(subnet, owner: "bridge")
        }
        let allocator = try SubnetAddressAllocator(subnet: subnet)
        allocators[networkID] = [allocator]
        heldSubnets[networkID] = [subnet]
        return Self.record(allocator)
    }

    /// Holds a stored network's subnets again (after a restart).
    mutating func restoreNetwork(_ network: NetworkRecord) throws {
        var made: [SubnetAddressAllocator] = []
        var held: [IPSubnet] = []
        for record in network.ipv4 + network.ipv6 {
            let subnet = try IPSubnet.parse(record.subnet)
            try pools.reserve(subnet, owner: network.name)
            held.append(subnet)
            var aux: [String: IPAddress] = [:]
            for (name, text) in record.auxAddresses { aux[name] = try IPAddress.parse(text) }
            made.append(
                try SubnetAddressAllocator(
                    subnet: subnet, gateway: try IPAddress.parse(record.gateway),
                    ipRange: try record.ipRange.map { try IPSubnet.parse($0) }, auxAddresses: aux))
        }
        allocators[network.id] = made
        heldSubnets[network.id] = held
    }

    /// Marks a stored endpoint's addresses taken again (after a restart).
    mutating func restoreEndpoint(_ endpoint: EndpointRecord) throws {
        for text in [endpoint.ipv4, endpoint.ipv6].compactMap({ $0 }) {
            let address = try IPAddress.parse(text)
            try withAllocator(networkID: endpoint.networkID, containing: address) { try $0.allocate(address) }
        }
    }

    mutating func releaseNetwork(_ networkID: String) {
        for subnet in heldSubnets[networkID] ?? [] { try? pools.release(subnet) }
        heldSubnets[networkID] = nil
        allocators[networkID] = nil
    }

    /// Allocates an endpoint address: the requested one (plain or CIDR with the subnet's prefix),
    /// or the first free one after the gateway. Returns it as plain text.
    mutating func allocateAddress(networkID: String, ipv6: Bool, requested: String, field: String) throws
        -> String
    {
        let family: IPFamily = ipv6 ? .v6 : .v4
        guard var list = allocators[networkID], list.contains(where: { $0.subnet.family == family }) else {
            throw CNMError(.failedPrecondition, "the network has no \(family) subnet")
        }
        defer { allocators[networkID] = list }
        if !requested.isEmpty {
            let address = try Self.parseRequested(requested, field: field)
            guard address.family == family else {
                throw CNMError.invalid(field, requested, "expected an \(family) address")
            }
            guard let index = list.firstIndex(where: { $0.subnet.contains(address) }) else {
                let subnets = list.filter { $0.subnet.family == family }.map(\.subnet.description)
                throw CNMError.invalid(
                    field, requested,
                    "it does not belong to any of this network's subnets (\(subnets.joined(separator: ", ")))"
                )
            }
            try list[index].allocate(list[index].parseRequestedAddress(requested, field: field), field: field)
            return address.description
        }
        var lastError: (any Error)?
        for index in list.indices where list[index].subnet.family == family {
            do {
                return try list[index].allocate().description
            } catch {
                lastError = error
            }
        }
        throw lastError ?? CNMError(.resourceExhausted, "no free \(family) address")
    }

    mutating func releaseEndpoint(_ endpoint: EndpointRecord) {
        for text in [endpoint.ipv4, endpoint.ipv6].compactMap({ $0 }) {
            guard let address = IPAddress(text) else { continue }
            try? withAllocator(networkID: endpoint.networkID, containing: address) { try $0.release(address) }
        }
    }

    private mutating func withAllocator(
        networkID: String, containing address: IPAddress,
        _ body: (inout SubnetAddressAllocator) throws -> Void
    ) throws {
        guard var list = allocators[networkID],
            let index = list.firstIndex(where: { $0.subnet.contains(address) })
        else {
            throw CNMError(.internalError, "address \(address) is in no subnet of network \(networkID)")
        }
        try body(&list[index])
        allocators[networkID] = list
    }

    // MARK: - Text helpers

    /// `address/prefix` with the prefix of the first subnet (of `subnets`) that holds it.
    static func cidr(_ address: String, in subnets: [String]) -> String {
        guard let parsed = IPAddress(address) else { return address }
        for text in subnets {
            if let subnet = IPSubnet(text), subnet.contains(parsed) {
                return "\(parsed)/\(subnet.prefixLength)"
            }
        }
        return address
    }

    static func isAddress(_ text: String) -> Bool { IPAddress(text) != nil }

    /// A requested address: plain, or `address/prefix`.
    static func parseRequested(_ text: String, field: String) throws -> IPAddress {
        if text.contains("/") { return try InterfaceAddress.parse(text, field: field).address }
        return try IPAddress.parse(text, field: field)
    }

    private static func excludedPrefixes(_ texts: [String]) -> [ExcludedPrefix] {
        texts.compactMap { text in IPSubnet(text).map { ExcludedPrefix.hostRoute($0) } ?? normalized(text) }
    }

    /// A route prefix that is not in canonical form (e.g. 10.1.2.3/24): its network.
    private static func normalized(_ text: String) -> ExcludedPrefix? {
        guard let address = InterfaceAddress(text) else { return nil }
        return ExcludedPrefix.hostRoute(address.subnet)
    }

    private static func record(_ allocator: SubnetAddressAllocator) -> SubnetRecord {
        SubnetRecord(
            subnet: allocator.subnet.description, ipRange: allocator.ipRange?.description,
            gateway: allocator.gateway.description,
            auxAddresses: allocator.auxAddresses.mapValues(\.description))
    }

    /// /etc/machine-id (the seed of the IPv6 ULA prefix, as Docker does), or the hostname.
    static func hostMachineID() -> String {
        if let id = try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8) {
            return id.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return ProcessInfo.processInfo.hostName
    }
}
