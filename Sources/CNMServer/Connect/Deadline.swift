/// Parsing of `connect-timeout-ms` and running a handler against the resulting deadline.
enum Deadline {
    /// Parses the header: 1 to 10 ASCII digits, in milliseconds (connect.md §1). Absent means no
    /// deadline; anything else is `invalid_argument`.
    static func parse(_ value: String?, now: ContinuousClock.Instant) throws(ConnectError) -> ContinuousClock
        .Instant?
    {
        guard let value else { return nil }
        let digits = value.utf8
        guard (1...10).contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }),
            let milliseconds = Int64(value)
        else {
            throw ConnectError(
                .invalidArgument, "connect-timeout-ms must be 1 to 10 digits, got \"\(value)\"")
        }
        return now.advanced(by: .milliseconds(milliseconds))
    }

    /// Runs `body`, or fails with `deadline_exceeded` once `deadline` passes; the handler is then
    /// cancelled. The answer waits until the handler has returned (structured concurrency), so a
    /// handler that ignores cancellation delays the error but never outlives its call.
    static func run<T: Sendable>(
        until deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let deadline else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw ConnectError(.deadlineExceeded, "the deadline set by connect-timeout-ms has passed")
            }
            return value
        }
    }
}
