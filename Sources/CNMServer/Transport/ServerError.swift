/// Why the server could not start listening.
public enum ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A live server answers on the Unix socket path.
    case anotherServerRunning(path: String)
    /// Something that is not a socket sits at the socket path; it is left alone.
    case notASocket(path: String)
    /// Cleartext HTTP/2 was asked for on an address other than loopback without `--insecure`.
    case cleartextOnNonLoopback(address: String)
    /// A `HOST:PORT` that does not parse.
    case invalidAddress(String, reason: String)
    /// `--socket-group` names no group.
    case unknownGroup(String)
    /// A file-system call on the socket failed.
    case socketFile(operation: String, path: String, errno: Int32, message: String)
    /// The certificate, key or CA could not be loaded.
    case tlsConfiguration(file: String, reason: String)
    /// `start` was called twice, or after `shutdown`.
    case alreadyStarted

    public var description: String {
        switch self {
        case .anotherServerRunning(let path):
            return "another cnmd is serving \(path)"
        case .notASocket(let path):
            return "\(path) exists and is not a socket; not replacing it"
        case .cleartextOnNonLoopback(let address):
            return "refusing cleartext h2c on non-loopback address \(address) (use --insecure to allow it)"
        case .invalidAddress(let address, let reason):
            return "invalid address \"\(address)\": \(reason)"
        case .unknownGroup(let group):
            return "unknown group \"\(group)\" for the socket"
        case .socketFile(let operation, let path, let errno, let message):
            return "\(operation) \(path) failed: \(message) (errno \(errno))"
        case .tlsConfiguration(let file, let reason):
            return "cannot load TLS file \(file): \(reason)"
        case .alreadyStarted:
            return "the server was already started"
        }
    }
}
