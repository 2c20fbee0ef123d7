/// The subnets held by networks, kept sorted by first address. They never overlap, so the only
/// candidate that can overlap a block is the last one starting at or before the block's end:
/// an overlap test is one binary search, whatever the number of networks.
struct AllocatedSubnets: Sendable {
    struct Entry: Sendable, Hashable {
        let subnet: IPSubnet
        let owner: String
    }

    private(set) var entries: [Entry] = []

    /// The allocated subnet overlapping `subnet`, if any.
    func overlapping(_ subnet: IPSubnet) -> Entry? {
        guard let index = lastIndex(startingAtOrBefore: subnet.last) else { return nil }
        let entry = entries[index]
        return entry.subnet.last >= subnet.first && entry.subnet.family == subnet.family ? entry : nil
    }

    func owner(of subnet: IPSubnet) -> String? {
        guard let index = lastIndex(startingAtOrBefore: subnet.first), entries[index].subnet == subnet else {
            return nil
        }
        return entries[index].owner
    }

    /// Adds `subnet`, which must not overlap an allocated one.
    mutating func insert(_ subnet: IPSubnet, owner: String) {
        assert(overlapping(subnet) == nil)
        let index = lastIndex(startingAtOrBefore: subnet.first).map { $0 + 1 } ?? 0
        entries.insert(Entry(subnet: subnet, owner: owner), at: index)
    }

    /// Removes exactly `subnet`; false when it is not allocated.
    mutating func remove(_ subnet: IPSubnet) -> Bool {
        guard let index = lastIndex(startingAtOrBefore: subnet.first), entries[index].subnet == subnet else {
            return false
        }
        entries.remove(at: index)
        return true
    }

    private func lastIndex(startingAtOrBefore address: IPAddress) -> Int? {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].subnet.first <= address {
                low = mid + 1
            } else {
                high = mid
            }
        }
        return low == 0 ? nil : low - 1
    }
}
