/// The timings of one operation, in milliseconds, and their order statistics.
///
/// Quantiles use the nearest rank on the sorted samples, `k = round(q · (n − 1))`, the same rule as
/// `../shared/scripts/bench-peers.sh`, so cnm's and the peers' figures are computed alike.
struct Samples: Sendable {
    private(set) var values: [Double] = []

    init(_ values: [Double] = []) {
        self.values = values
    }

    mutating func append(_ milliseconds: Double) {
        self.values.append(milliseconds)
    }

    var count: Int { self.values.count }
    var isEmpty: Bool { self.values.isEmpty }

    /// The value at quantile `q` (0…1); `nil` without samples.
    func quantile(_ q: Double) -> Double? {
        guard !self.values.isEmpty else { return nil }
        let sorted = self.values.sorted()
        let rank = Int((q * Double(sorted.count - 1) + 0.5).rounded(.down))
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    var median: Double? { self.quantile(0.5) }
    var p90: Double? { self.quantile(0.9) }
    var p99: Double? { self.quantile(0.99) }
    var mean: Double? { self.values.isEmpty ? nil : self.values.reduce(0, +) / Double(self.values.count) }

    /// The first `count` samples, in the order they were taken.
    func prefix(_ count: Int) -> Samples { Samples(Array(self.values.prefix(count))) }

    /// The last `count` samples, in the order they were taken.
    func suffix(_ count: Int) -> Samples { Samples(Array(self.values.suffix(count))) }
}
