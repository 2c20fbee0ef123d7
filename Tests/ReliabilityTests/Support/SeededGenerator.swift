/// A deterministic random number generator (SplitMix64), so that a failing run can be
/// replayed with the same choices.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Picks one of `choices` with probability proportional to its weight.
    mutating func weighted<T>(_ choices: [(T, Int)]) -> T {
        let total = choices.reduce(0) { $0 + $1.1 }
        var point = Int.random(in: 0..<total, using: &self)
        for (choice, weight) in choices {
            if point < weight { return choice }
            point -= weight
        }
        return choices[choices.count - 1].0
    }
}
