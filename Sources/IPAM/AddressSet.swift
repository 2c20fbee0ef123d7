/// The taken addresses of one subnet, as offsets from its first address: a dense bitmap when the
/// subnet has at most 2^24 addresses (2 MiB for an IPv4 /8), sparse runs beyond (IPv6 /64).
struct AddressSet: Sendable, Hashable {
    /// The largest subnet (in host bits) that gets a dense bitmap.
    static let denseHostBits = 24

    private var dense: AddressBitmap?
    private var sparse = AddressRuns()

    init(hostBits: Int) {
        if hostBits <= Self.denseHostBits { dense = AddressBitmap(count: 1 << hostBits) }
    }

    func contains(_ offset: UInt128) -> Bool {
        if let dense { return dense.contains(Int(offset)) }
        return sparse.contains(offset)
    }

    /// Marks `offset` taken; false when it already was.
    mutating func insert(_ offset: UInt128) -> Bool {
        if dense != nil { return dense!.insert(Int(offset)) }
        return sparse.insert(offset)
    }

    /// Marks `offset` free; false when it already was.
    mutating func remove(_ offset: UInt128) -> Bool {
        if dense != nil { return dense!.remove(Int(offset)) }
        return sparse.remove(offset)
    }

    /// The lowest free offset in `range`, or nil.
    func firstFree(in range: ClosedRange<UInt128>) -> UInt128? {
        if let dense {
            return dense.firstFree(in: Int(range.lowerBound)...Int(range.upperBound)).map { UInt128($0) }
        }
        return sparse.firstFree(in: range)
    }
}
