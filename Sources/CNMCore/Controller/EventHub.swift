import Foundation
import Synchronization

/// Fans controller events out to every WatchEvents subscriber, and keeps the
/// recent ones so a subscriber can ask for those `since` a time.
final class EventHub: Sendable {
    private struct State {
        var subscribers: [UInt64: AsyncStream<ControllerEvent>.Continuation] = [:]
        var nextID: UInt64 = 0
        var recent: [ControllerEvent] = []
    }
    private let state = Mutex(State())
    private let historyLimit = 1024

    func publish(_ event: ControllerEvent) {
        let subscribers = state.withLock { state in
            state.recent.append(event)
            if state.recent.count > historyLimit {
                state.recent.removeFirst(state.recent.count - historyLimit)
            }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.yield(event) }
    }

    /// A stream of events from now on, preceded by the kept ones at or after `since`.
    func subscribe(since: Date?) -> AsyncStream<ControllerEvent> {
        let (stream, continuation) = AsyncStream<ControllerEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(4096))
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            if let since {
                for event in state.recent where event.time >= since { continuation.yield(event) }
            }
            state.subscribers[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    var subscriberCount: Int { state.withLock { $0.subscribers.count } }
}
