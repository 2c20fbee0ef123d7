import Synchronization

/// The calls running right now, each a Swift task; lets a graceful shutdown cancel the
/// server streams (which would otherwise run forever) and wait for every call to end.
///
/// Unary calls are never cancelled here: a mutation a client started runs to its end, even if
/// the client has gone away or the server is stopping.
final class ActiveCalls: Sendable {
    private struct State {
        var running = 0
        var nextID = 0
        var draining = false
        /// Streaming tasks that may need cancelling, by call ID.
        var streams: [Int: Task<Void, Never>] = [:]
        /// Streaming calls that finished before their task was recorded.
        var finishedEarly: Set<Int> = []
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// The number of calls running.
    var count: Int { self.state.withLock { $0.running } }

    /// Starts `operation` as a task and tracks it until it returns. A streaming call started
    /// during shutdown is cancelled at once.
    @discardableResult
    func start(streaming: Bool, _ operation: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        let id = self.state.withLock { state in
            state.running += 1
            state.nextID += 1
            return state.nextID
        }
        let task = Task {
            await operation()
            self.finish(id, streaming: streaming)
        }
        if streaming {
            let cancelNow = self.state.withLock { state in
                if state.finishedEarly.remove(id) != nil { return false }
                state.streams[id] = task
                return state.draining
            }
            if cancelNow { task.cancel() }
        }
        return task
    }

    /// Cancels every server stream and returns once no call is running.
    func drain() async {
        let streams = self.state.withLock { state in
            state.draining = true
            return Array(state.streams.values)
        }
        for task in streams { task.cancel() }
        await withCheckedContinuation { continuation in
            let doneAlready = self.state.withLock { state in
                if state.running == 0 { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if doneAlready { continuation.resume() }
        }
    }

    private func finish(_ id: Int, streaming: Bool) {
        let waiters = self.state.withLock { state in
            state.running -= 1
            if streaming, state.streams.removeValue(forKey: id) == nil {
                state.finishedEarly.insert(id)
            }
            guard state.running == 0 else { return [CheckedContinuation<Void, Never>]() }
            defer { state.drainWaiters = [] }
            return state.drainWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
