import Dispatch

/// A serial executor backed by one dedicated dispatch queue.
///
/// The controller actor runs on it so that its blocking kernel and SQLite calls
/// never occupy Swift's cooperative pool (two threads on a two-core machine) or
/// a NIO event loop, and so that each controller operation — which has no
/// suspension point inside — runs to completion before the next one starts.
/// Dispatch already provides exactly this; the type only adapts it to
/// `SerialExecutor`, which corelibs-dispatch queues do not conform to on Linux.
final class DispatchQueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unownedJob = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async {
            unownedJob.runSynchronously(on: executor)
        }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }
}
