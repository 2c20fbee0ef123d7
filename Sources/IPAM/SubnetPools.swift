/// Hands out network subnets: explicit ones (`--subnet`) and the first free subnet of the pools,
/// never two that overlap, never one that overlaps a host route or nameserver.
///
/// - IPv4 pools: `AddressPool.defaultIPv4` (/24s of 172.18–31.0.0/16 then 192.168.0.0/16)
///   unless IPv4 pools are configured; IPv6: `AddressPool.uniqueLocal(machineID:)` (/64s of a
///   ULA /48) unless IPv6 pools are configured.
/// - The default bridge takes 172.17.0.0/16, or the first free /16 of 172.18–31, which is then
///   withdrawn from the pools (it is simply held, like any network's subnet).
/// - Picking walks the pools in order and returns the lowest free subnet, so holes left by
///   deleted networks are filled first. A cursor per family remembers the position below which
///   every candidate is held; a blocked candidate jumps past the block in the way (one binary
///   search), so a pick costs O(log n) rather than a scan of pools × allocated subnets.
///
/// Restart: build a new value and `reserve` each stored network's subnet (without exclusions:
/// the host's routes then include cnm's own bridges).
public struct SubnetPools: Sendable {
    /// Pools for IPv4 subnets, in the order they are used.
    public let ipv4Pools: [AddressPool]
    /// Pools for IPv6 subnets, in the order they are used.
    public let ipv6Pools: [AddressPool]
    /// Whether the IPv4 pools are the built-in defaults (error messages say so).
    public let usesDefaultIPv4Pools: Bool

    private var allocated = AllocatedSubnets()
    private var ipv4Cursor = Position(pool: 0, index: 0)
    private var ipv6Cursor = Position(pool: 0, index: 0)

    /// Pools from configuration (`--default-address-pool`, may be empty): IPv4 entries replace
    /// the default IPv4 pools, IPv6 entries replace the ULA pool derived from `machineID`.
    public init(pools: [AddressPool] = [], machineID: String) {
        let ipv4 = pools.filter { $0.family == .v4 }
        let ipv6 = pools.filter { $0.family == .v6 }
        usesDefaultIPv4Pools = ipv4.isEmpty
        ipv4Pools = ipv4.isEmpty ? AddressPool.defaultIPv4 : ipv4
        ipv6Pools = ipv6.isEmpty ? [AddressPool.uniqueLocal(machineID: machineID)] : ipv6
    }

    /// The subnets held, sorted by address.
    public var allocatedSubnets: [IPSubnet] { allocated.entries.map(\.subnet) }

    /// Who holds exactly `subnet` (the owner given when it was allocated), if anyone.
    public func owner(of subnet: IPSubnet) -> String? { allocated.owner(of: subnet) }

    /// Holds an explicitly requested subnet for `owner` (a network's name, used in messages).
    ///
    /// - Throws: `.overlap` naming both subnets when it overlaps a held subnet or an excluded
    ///   prefix.
    public mutating func reserve(
        _ subnet: IPSubnet, owner: String, excluding excluded: [ExcludedPrefix] = []
    ) throws(IPAMError) {
        if let other = allocated.overlapping(subnet) {
            throw IPAMError(
                .overlap, field: "subnet", value: subnet.description,
                message: "invalid subnet \(subnet): it overlaps \(other.subnet) of network \(other.owner)")
        }
        if let prefix = excluded.first(where: { $0.subnet.overlaps(subnet) }) {
            throw IPAMError(
                .overlap, field: "subnet", value: subnet.description,
                message: "invalid subnet \(subnet): it overlaps \(prefix)")
        }
        allocated.insert(subnet, owner: owner)
    }

    /// Holds the lowest free subnet of the `family` pools that overlaps neither a held subnet nor
    /// an excluded prefix.
    ///
    /// - Throws: `.exhausted` naming the pools when none is left.
    public mutating func allocate(
        _ family: IPFamily, owner: String, excluding excluded: [ExcludedPrefix] = []
    ) throws(IPAMError) -> IPSubnet {
        let pools = family == .v4 ? ipv4Pools : ipv6Pools
        let blocked = ExcludedRanges(excluded.filter { $0.subnet.family == family })
        var position = family == .v4 ? ipv4Cursor : ipv6Cursor
        // While every candidate passed so far is held by a network, the cursor may follow.
        var onlyHeldSoFar = true
        while position.pool < pools.count {
            let pool = pools[position.pool]
            guard position.index < pool.subnetCount else {
                position = Position(pool: position.pool + 1, index: 0)
                if onlyHeldSoFar { setCursor(family, position) }
                continue
            }
            let candidate = pool.subnet(at: position.index)
            if let holder = allocated.overlapping(candidate) {
                position = position.past(holder.subnet.last, in: pool)
                if onlyHeldSoFar { setCursor(family, position) }
                continue
            }
            if let end = blocked.end(ofRangeOverlapping: candidate) {
                onlyHeldSoFar = false
                position = position.past(end, in: pool)
                continue
            }
            allocated.insert(candidate, owner: owner)
            if onlyHeldSoFar { setCursor(family, Position(pool: position.pool, index: position.index + 1)) }
            return candidate
        }
        let list = pools.map { "\($0.base) (/\($0.size))" }.joined(separator: ", ")
        let among = family == .v4 && usesDefaultIPv4Pools ? " among the defaults" : ""
        throw IPAMError(
            .exhausted, field: "pool", value: list,
            message: "could not find an available, non-overlapping \(family) address pool\(among) "
                + "to assign to the network: pools \(list) are fully subnetted or overlap host routes")
    }

    /// Holds the default bridge's subnet: 172.17.0.0/16, else the first /16 of 172.18–31 that
    /// overlaps neither a held subnet nor an excluded prefix (that /16 is thereby withdrawn from
    /// the pools). A configured `--bridge-subnet` goes through `reserve` instead.
    ///
    /// - Throws: `.exhausted` when none of those /16s is free.
    public mutating func allocateDefaultBridge(
        owner: String, excluding excluded: [ExcludedPrefix] = []
    ) throws(IPAMError) -> IPSubnet {
        let candidates = [AddressPool.defaultBridgeSubnet] + AddressPool.defaultBridgeFallbacks
        for candidate in candidates
        where allocated.overlapping(candidate) == nil
            && !excluded.contains(where: { $0.subnet.overlaps(candidate) })
        {
            allocated.insert(candidate, owner: owner)
            return candidate
        }
        throw IPAMError(
            .exhausted, field: "bridge-subnet", value: "172.17.0.0/16",
            message:
                "could not find an available /16 for the default bridge among 172.17.0.0/16 … 172.31.0.0/16: "
                + "all overlap host routes or other networks")
    }

    /// Gives back a held subnet so it can be picked again.
    ///
    /// - Throws: `.notFound` when exactly this subnet is not held.
    public mutating func release(_ subnet: IPSubnet) throws(IPAMError) {
        guard allocated.remove(subnet) else {
            throw IPAMError(
                .notFound, field: "subnet", value: subnet.description,
                message: "subnet \(subnet) is not allocated")
        }
        // Candidates overlapping the released block may be free now: move the cursor back to the
        // first of them.
        let pools = subnet.family == .v4 ? ipv4Pools : ipv6Pools
        var cursor = subnet.family == .v4 ? ipv4Cursor : ipv6Cursor
        for (index, pool) in pools.enumerated() where pool.base.overlaps(subnet) {
            let start = max(subnet.first, pool.base.first)
            cursor = min(cursor, Position(pool: index, index: pool.index(of: start)))
        }
        setCursor(subnet.family, cursor)
    }

    private mutating func setCursor(_ family: IPFamily, _ position: Position) {
        switch family {
        case .v4: ipv4Cursor = position
        case .v6: ipv6Cursor = position
        }
    }

    /// A candidate: the `index`-th subnet of the `pool`-th pool.
    private struct Position: Sendable, Comparable {
        var pool: Int
        var index: UInt128

        /// The first candidate of `pool` that starts after `address`, or the next pool's first.
        func past(_ address: IPAddress, in pool: AddressPool) -> Position {
            guard address < pool.base.last else { return Position(pool: self.pool + 1, index: 0) }
            return Position(pool: self.pool, index: pool.index(of: address) + 1)
        }

        static func < (lhs: Position, rhs: Position) -> Bool {
            (lhs.pool, lhs.index) < (rhs.pool, rhs.index)
        }
    }
}

/// Excluded prefixes merged into sorted, disjoint address ranges, for one binary search per
/// candidate.
private struct ExcludedRanges {
    private var ranges: [ClosedRange<IPAddress>] = []

    init(_ prefixes: [ExcludedPrefix]) {
        for subnet in prefixes.map(\.subnet).sorted() {
            if let last = ranges.last, subnet.first <= last.upperBound {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, subnet.last)
            } else {
                ranges.append(subnet.first...subnet.last)
            }
        }
    }

    /// The last address of the merged range overlapping `subnet`, if any.
    func end(ofRangeOverlapping subnet: IPSubnet) -> IPAddress? {
        var low = 0
        var high = ranges.count
        while low < high {
            let mid = (low + high) / 2
            if ranges[mid].lowerBound <= subnet.last {
                low = mid + 1
            } else {
                high = mid
            }
        }
        guard low > 0, ranges[low - 1].upperBound >= subnet.first else { return nil }
        return ranges[low - 1].upperBound
    }
}
