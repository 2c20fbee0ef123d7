/// A two-level bitmap over `0..<count`: one bit per address, plus a summary with one bit per
/// 64-bit word that still has a free bit.
///
/// Finding the lowest free offset looks at one word, then skips full words 64 at a time through
/// the summary, so it does not slow down in proportion to the addresses already handed out.
struct AddressBitmap: Sendable, Hashable {
    let count: Int
    private var words: [UInt64]
    /// Bit `i % 64` of `summary[i / 64]` is set while `words[i]` has a free bit.
    private var summary: [UInt64]

    init(count: Int) {
        precondition(count > 0)
        self.count = count
        let wordCount = (count + 63) / 64
        words = Array(repeating: 0, count: wordCount)
        summary = Array(repeating: 0, count: (wordCount + 63) / 64)
        // Bits past `count` in the last word are marked taken, so a word is full exactly when
        // all its real addresses are.
        let tail = count % 64
        if tail != 0 { words[wordCount - 1] = ~((1 << UInt64(tail)) - 1) }
        for index in 0..<wordCount where words[index] != .max { setSummary(index, hasFree: true) }
    }

    func contains(_ offset: Int) -> Bool {
        words[offset >> 6] & (1 << UInt64(offset & 63)) != 0
    }

    /// Marks `offset` taken; false when it already was.
    mutating func insert(_ offset: Int) -> Bool {
        let index = offset >> 6
        let bit: UInt64 = 1 << UInt64(offset & 63)
        guard words[index] & bit == 0 else { return false }
        words[index] |= bit
        if words[index] == .max { setSummary(index, hasFree: false) }
        return true
    }

    /// Marks `offset` free; false when it already was.
    mutating func remove(_ offset: Int) -> Bool {
        let index = offset >> 6
        let bit: UInt64 = 1 << UInt64(offset & 63)
        guard words[index] & bit != 0 else { return false }
        words[index] &= ~bit
        setSummary(index, hasFree: true)
        return true
    }

    /// The lowest free offset in `range`, or nil when all are taken.
    func firstFree(in range: ClosedRange<Int>) -> Int? {
        let startWord = range.lowerBound >> 6
        let below: UInt64 = (1 << UInt64(range.lowerBound & 63)) - 1
        let first = words[startWord] | below
        if first != .max {
            let offset = startWord << 6 + (~first).trailingZeroBitCount
            return offset <= range.upperBound ? offset : nil
        }
        let lastWord = range.upperBound >> 6
        var word = startWord + 1
        while word <= lastWord {
            let summaryIndex = word >> 6
            let pending = summary[summaryIndex] & ~((1 << UInt64(word & 63)) - 1)
            if pending != 0 {
                let found = summaryIndex << 6 + pending.trailingZeroBitCount
                guard found <= lastWord else { return nil }
                let offset = found << 6 + (~words[found]).trailingZeroBitCount
                return offset <= range.upperBound ? offset : nil
            }
            word = (summaryIndex + 1) << 6
        }
        return nil
    }

    private mutating func setSummary(_ wordIndex: Int, hasFree: Bool) {
        let bit: UInt64 = 1 << UInt64(wordIndex & 63)
        if hasFree {
            summary[wordIndex >> 6] |= bit
        } else {
            summary[wordIndex >> 6] &= ~bit
        }
    }
}
