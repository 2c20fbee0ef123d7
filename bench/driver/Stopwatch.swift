/// Wall-clock timing of one awaited operation on the monotonic clock.
enum Stopwatch {
    /// Runs `body` and returns how long it took, in milliseconds.
    static func milliseconds(_ body: () async throws -> Void) async rethrows -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        return Self.milliseconds(clock.now - start)
    }

    /// A duration in (fractional) milliseconds.
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
