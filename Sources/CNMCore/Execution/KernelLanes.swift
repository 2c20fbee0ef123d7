import Dispatch
import Synchronization

/// Runs the blocking kernel work of endpoint operations off the controller's queue: one
/// serial lane (a dispatch queue) per network.
///
/// The controller decides and commits on its own serial queue, which each operation holds
/// for well under a millisecond; the kernel work in between (a veth create takes ~1 ms, a
/// veth delete 15–40 ms) runs on the lane of the endpoint's network. So work on network B
/// no longer queues behind work on network A: B waits only for the kernel's own lock
/// (rtnl), not for A's whole backlog. Work on one network stays in order.
///
/// Serial dispatch queues are overcommitting on Linux: a lane blocked in the kernel does
/// not stop another lane from getting a thread, which a concurrent queue (as wide as the
/// CPU count) would. Lanes live as long as their network.
final class KernelLanes: Sendable {
    private let lanes = Mutex<[String: DispatchQueue]>([:])

    /// Runs `body` on the lane named `key` and returns its result.
    func run<T: Sendable>(_ key: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        let lane = lanes.withLock { lanes in
            if let lane = lanes[key] { return lane }
            let lane = DispatchQueue(label: "cnm.kernel.\(key)", qos: .userInitiated)
            lanes[key] = lane
            return lane
        }
        return try await withCheckedThrowingContinuation { continuation in
            lane.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Forgets the lane of a deleted network (work already queued on it still runs).
    func remove(_ key: String) {
        _ = lanes.withLock { $0.removeValue(forKey: key) }
    }
}
