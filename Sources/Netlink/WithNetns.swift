import CLibNL
import Glibc

/// Runs `body` on the calling thread inside `namespace`, then moves the thread back to the
/// namespace it was in before.
///
/// The body is deliberately not `async`: a task can resume on another thread after an
/// `await`, which would leave one thread in the foreign namespace (poisoning whatever runs
/// on it next) and run the rest of the body in the wrong one. There is no `async` overload.
/// Sockets opened inside the body (`NetlinkSocket()`) stay bound to `namespace` for life.
/// Calls nest. If the thread cannot get back, the process stops: a thread stuck in a
/// foreign namespace would silently misdirect every later call made on it.
public func withNetns<T>(_ namespace: NetworkNamespace, _ body: () throws -> T) throws -> T {
    _ = NetworkNamespace.current  // settle the process's home before any thread leaves it
    let home = Glibc.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
    guard home >= 0 else {
        throw NetlinkError.system("open /proc/thread-self/ns/net")
    }
    defer { close(home) }
    guard withExtendedLifetime(namespace, { sk_setns_net(namespace.fd) }) == 0 else {
        throw NetlinkError.system("setns \(namespace.path)")
    }
    defer {
        if sk_setns_net(home) != 0 {
            fatalError("setns back to the thread's namespace failed (errno \(errno)); thread is poisoned")
        }
    }
    return try body()
}
