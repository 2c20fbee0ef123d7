/// One lock per sandbox, held by an operation across its suspension points.
///
/// Endpoint operations leave the controller while the kernel works (`KernelLanes`); the
/// sandbox lock keeps a second operation on the same sandbox (another connect, a
/// disconnect, a delete) from starting until the first has committed. Waiters are served
/// in arrival order, and a released lock passes straight to the next waiter so that no
/// newcomer can slip in between. Not thread-safe by itself: it lives inside the
/// controller actor and is only touched there.
struct SandboxLocks {
    /// A key is present while its lock is held; its value is the queue of waiters.
    private var held: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Takes the lock if it is free; returns whether it did.
    mutating func tryAcquire(_ key: String) -> Bool {
        guard held[key] == nil else { return false }
        held[key] = []
        return true
    }

    /// Queues a waiter on a held lock; it resumes when the lock passes to it.
    mutating func enqueue(_ key: String, _ waiter: CheckedContinuation<Void, Never>) {
        held[key, default: []].append(waiter)
    }

    /// Releases the lock, handing it to the first waiter if there is one.
    mutating func release(_ key: String) {
        guard var waiters = held[key] else { return }
        if waiters.isEmpty {
            held[key] = nil
        } else {
            let next = waiters.removeFirst()
            held[key] = waiters
            next.resume()
        }
    }
}
