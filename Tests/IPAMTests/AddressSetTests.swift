import Testing

@testable import IPAM

/// A small deterministic generator, so a failing sequence can be replayed.
private struct SplitMix64 {
    var state: UInt64
    mutating func next(below bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}

@Suite("Address sets")
struct AddressSetTests {
    /// Runs random inserts, removes and lowest-free queries against a plain `Set` model.
    private func checkAgainstModel(hostBits: Int, seed: UInt64, operations: Int) {
        var set = AddressSet(hostBits: hostBits)
        var model = Set<Int>()
        var random = SplitMix64(state: seed)
        let count = 1 << hostBits
        for _ in 0..<operations {
            let offset = random.next(below: count)
            switch random.next(below: 3) {
            case 0:
                let inserted = set.insert(UInt128(offset))
                #expect(inserted == model.insert(offset).inserted)
            case 1:
                let removed = set.remove(UInt128(offset))
                #expect(removed == (model.remove(offset) != nil))
            default:
                let upper = min(count - 1, offset + random.next(below: 300))
                let expected = (offset...upper).first { !model.contains($0) }
                #expect(set.firstFree(in: UInt128(offset)...UInt128(upper)) == expected.map { UInt128($0) })
            }
        }
        for offset in 0..<count { #expect(set.contains(UInt128(offset)) == model.contains(offset)) }
    }

    @Test("the two-level bitmap agrees with a plain set under random operations")
    func bitmapMatchesModel() {
        checkAgainstModel(hostBits: 12, seed: 1, operations: 20_000)
        checkAgainstModel(hostBits: 7, seed: 2, operations: 2_000)
    }

    @Test("a bitmap whose size is not a multiple of 64 never offers addresses past its end")
    func bitmapTail() {
        var bitmap = AddressBitmap(count: 70)
        let inserted = (0..<70).map { bitmap.insert($0) }
        #expect(inserted.allSatisfy { $0 })
        #expect(bitmap.firstFree(in: 0...69) == nil)
        let removed = bitmap.remove(69)
        #expect(removed)
        #expect(bitmap.firstFree(in: 0...69) == 69)
    }

    @Test("the bitmap skips full words through its summary across many words")
    func bitmapSkipsFullWords() {
        var bitmap = AddressBitmap(count: 1 << 16)
        for offset in 0..<50_000 { _ = bitmap.insert(offset) }
        #expect(bitmap.firstFree(in: 0...65_535) == 50_000)
        let removed = bitmap.remove(12_345)
        #expect(removed)
        #expect(bitmap.firstFree(in: 0...65_535) == 12_345)
        #expect(bitmap.firstFree(in: 12_346...65_535) == 50_000)
        #expect(bitmap.firstFree(in: 0...12_344) == nil)
    }

    @Test("sparse runs agree with a plain set under random operations")
    func runsMatchModel() {
        var runs = AddressRuns()
        var model = Set<Int>()
        var random = SplitMix64(state: 3)
        for _ in 0..<20_000 {
            let offset = random.next(below: 512)
            switch random.next(below: 3) {
            case 0:
                let inserted = runs.insert(UInt128(offset))
                #expect(inserted == model.insert(offset).inserted)
            case 1:
                let removed = runs.remove(UInt128(offset))
                #expect(removed == (model.remove(offset) != nil))
            default:
                let upper = min(511, offset + random.next(below: 40))
                let expected = (offset...upper).first { !model.contains($0) }
                #expect(runs.firstFree(in: UInt128(offset)...UInt128(upper)) == expected.map { UInt128($0) })
            }
        }
        for offset in 0..<512 { #expect(runs.contains(UInt128(offset)) == model.contains(offset)) }
    }

    @Test("sparse runs handle the ends of the 128-bit range")
    func runsExtremes() {
        var runs = AddressRuns()
        let inserted = [runs.insert(.max), runs.insert(.max - 1)]
        #expect(inserted == [true, true])
        #expect(runs.firstFree(in: (.max - 1)...(.max)) == nil)
        let insertedZero = runs.insert(0)
        #expect(insertedZero)
        #expect(runs.firstFree(in: 0...10) == 1)
        let removed = runs.remove(.max)
        #expect(removed)
        #expect(runs.firstFree(in: (.max - 1)...(.max)) == .max)
    }
}
