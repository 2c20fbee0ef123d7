/// Runs an operation under a deadline: when the deadline passes first, the operation's task is
/// cancelled (which resets its HTTP/2 stream) and the call fails with `deadline_exceeded`, whether
/// or not the server honours `connect-timeout-ms`.
enum CallDeadline {
    static func run<T: Sendable>(
        timeout: Duration?, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let timeout else { return try await operation() }
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw CNMError(.deadlineExceeded, "the call did not finish within its deadline of \(timeout)")
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else {
                throw CNMError(.internal, "deadline group finished without a result")
            }
            return first
        }
    }
}
