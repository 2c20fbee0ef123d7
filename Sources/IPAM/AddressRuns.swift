/// A sparse set of offsets kept as sorted, disjoint, non-adjacent runs (closed ranges).
///
/// Used for subnets too large for a bitmap (an IPv6 /64 has 2^64 addresses). Because runs are
/// merged, the lowest free offset at or after `x` is `x` itself or the end of the run holding
/// `x` plus one: one binary search, whatever the number of addresses handed out. Sequential
/// allocation keeps a single run.
struct AddressRuns: Sendable, Hashable {
    private var runs: [ClosedRange<UInt128>] = []

    func contains(_ offset: UInt128) -> Bool {
        guard let index = runIndex(atOrBelow: offset) else { return false }
        return runs[index].contains(offset)
    }

    /// Adds `offset`; false when it was already present.
    mutating func insert(_ offset: UInt128) -> Bool {
        let below = runIndex(atOrBelow: offset)
        if let below, runs[below].contains(offset) { return false }
        let above = below.map { $0 + 1 } ?? 0
        let joinsBelow = below.map { runs[$0].upperBound &+ 1 == offset && offset != 0 } ?? false
        let joinsAbove = above < runs.count && offset != .max && runs[above].lowerBound == offset + 1
        switch (joinsBelow, joinsAbove) {
        case (true, true):
            runs[below!] = runs[below!].lowerBound...runs[above].upperBound
            runs.remove(at: above)
        case (true, false):
            runs[below!] = runs[below!].lowerBound...offset
        case (false, true):
            runs[above] = offset...runs[above].upperBound
        case (false, false):
            runs.insert(offset...offset, at: above)
        }
        return true
    }

    /// Removes `offset`; false when it was absent.
    mutating func remove(_ offset: UInt128) -> Bool {
        guard let index = runIndex(atOrBelow: offset), runs[index].contains(offset) else { return false }
        let run = runs[index]
        switch (run.lowerBound == offset, run.upperBound == offset) {
        case (true, true):
            runs.remove(at: index)
        case (true, false):
            runs[index] = (offset + 1)...run.upperBound
        case (false, true):
            runs[index] = run.lowerBound...(offset - 1)
        case (false, false):
            runs[index] = run.lowerBound...(offset - 1)
            runs.insert((offset + 1)...run.upperBound, at: index + 1)
        }
        return true
    }

    /// The lowest offset in `range` that is not present, or nil.
    func firstFree(in range: ClosedRange<UInt128>) -> UInt128? {
        guard let index = runIndex(atOrBelow: range.lowerBound), runs[index].contains(range.lowerBound)
        else { return range.lowerBound }
        let end = runs[index].upperBound
        guard end < range.upperBound else { return nil }
        return end + 1
    }

    /// Index of the last run whose lower bound is `<= offset`.
    private func runIndex(atOrBelow offset: UInt128) -> Int? {
        var low = 0
        var high = runs.count
        while low < high {
            let mid = (low + high) / 2
            if runs[mid].lowerBound <= offset {
                low = mid + 1
            } else {
                high = mid
            }
        }
        return low == 0 ? nil : low - 1
    }
}
