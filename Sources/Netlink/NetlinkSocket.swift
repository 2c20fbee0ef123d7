import CLibNL
import Synchronization

/// A `NETLINK_ROUTE` socket bound to one network namespace, over libnl-3.
///
/// A netlink socket belongs for life to the namespace it was opened in, whichever thread
/// uses it later; so keep one per namespace and reuse it. All calls are synchronous and
/// block on the kernel (a veth delete can take tens of milliseconds): call them off event
/// loops. Calls on one socket are serialized; errors carry the kernel's errno and
/// extended-ACK text (`NetlinkError`).
public final class NetlinkSocket: @unchecked Sendable {
    // @unchecked Sendable: `connection` (a libnl socket, not thread-safe: sequence numbers,
    // one receive buffer) is only ever touched inside `lock.withLock`, so at most one thread
    // uses it at a time; the class has no other state.
    private let connection: LibNLConnection
    private let lock = Mutex(())

    /// Opens a socket in the calling thread's network namespace.
    public init() throws {
        connection = try LibNLConnection()
    }

    /// Opens a socket in `namespace`: the calling thread enters it just long enough to open
    /// the socket (`withNetns`), then returns.
    public init(in namespace: NetworkNamespace) throws {
        connection = try withNetns(namespace) { try LibNLConnection() }
    }

    /// Runs `body` with exclusive use of the libnl socket.
    func withConnection<T: Sendable>(_ body: (LibNLConnection) throws -> T) throws -> T {
        try lock.withLock { _ in try body(connection) }
    }
}
