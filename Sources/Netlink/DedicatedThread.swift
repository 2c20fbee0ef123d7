import Glibc

/// Runs a closure on a fresh pthread and waits for it.
///
/// Used for work that changes the thread's namespace and never comes back
/// (`unshare(CLONE_NEWNET)`): the thread dies with it, so no pool thread is ever left in a
/// foreign namespace. Hand-written because Foundation's `Thread` cannot be joined.
enum DedicatedThread {
    static func run(_ body: @escaping () throws -> Void) throws {
        let job = Job(body)
        var thread = pthread_t()
        let retained = Unmanaged.passRetained(job)
        let rc = pthread_create(
            &thread, nil,
            { argument in
                let job = Unmanaged<Job>.fromOpaque(argument!).takeRetainedValue()
                do {
                    try job.body()
                } catch {
                    job.failure = error
                }
                return nil
            }, retained.toOpaque())
        guard rc == 0 else {
            retained.release()
            throw NetlinkError.system("pthread_create", errno: rc)
        }
        pthread_join(thread, nil)
        if let failure = job.failure {
            throw failure
        }
    }

    /// The closure and its outcome; touched by the new thread only until `pthread_join` returns.
    private final class Job {
        let body: () throws -> Void
        var failure: (any Error)?

        init(_ body: @escaping () throws -> Void) {
            self.body = body
        }
    }
}
