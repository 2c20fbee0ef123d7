/// A place the server accepts connections: a Unix socket, cleartext HTTP/2 (h2c) on TCP, or
/// TLS on TCP. Every listener answers HTTP/2 and HTTP/1.1.
public struct Listener: Sendable, CustomStringConvertible {
    /// The certificate files of a TLS listener (PEM).
    public struct TLSFiles: Sendable, Equatable {
        /// The server's certificate chain, leaf first.
        public var certificateChain: String
        /// The server's private key.
        public var privateKey: String
        /// When set, clients must present a certificate signed by this CA.
        public var clientCA: String?

        /// Creates the file set.
        public init(certificateChain: String, privateKey: String, clientCA: String? = nil) {
            self.certificateChain = certificateChain
            self.privateKey = privateKey
            self.clientCA = clientCA
        }
    }

    enum Kind: Sendable {
        case unix(path: String, group: String?)
        case h2c(HostAndPort, allowNonLoopback: Bool)
        case tls(HostAndPort, TLSFiles)
    }

    let kind: Kind

    /// A Unix socket at `path` with mode 0660, owned by `group` if given. The parent directory
    /// is created; a socket file left by a crashed server is replaced, but if a live server
    /// answers on it, starting fails with ``ServerError/anotherServerRunning(path:)``.
    public static func unixSocket(_ path: String, group: String? = nil) -> Listener {
        Listener(kind: .unix(path: path, group: group))
    }

    /// Cleartext HTTP/2 (prior knowledge) and HTTP/1.1 on TCP. Only loopback addresses are
    /// allowed unless `allowNonLoopback` (cnmd's `--insecure`).
    public static func h2c(_ address: HostAndPort, allowNonLoopback: Bool = false) -> Listener {
        Listener(kind: .h2c(address, allowNonLoopback: allowNonLoopback))
    }

    /// TLS on TCP with ALPN `h2` and `http/1.1`; with a client CA, client certificates are required.
    public static func tls(_ address: HostAndPort, files: TLSFiles) -> Listener {
        Listener(kind: .tls(address, files))
    }

    public var description: String {
        switch self.kind {
        case .unix(let path, _): return "unix:\(path)"
        case .h2c(let address, _): return "h2c://\(address)"
        case .tls(let address, _): return "https://\(address)"
        }
    }
}

/// A `HOST:PORT` pair as given on the command line; IPv6 hosts in brackets (`[::1]:8443`).
public struct HostAndPort: Sendable, Equatable, CustomStringConvertible {
    /// The host name or address, without brackets.
    public var host: String
    /// The port; 0 lets the kernel choose.
    public var port: Int

    /// Creates the pair.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT` or `[IPV6]:PORT`.
    public init(parsing text: String) throws(ServerError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw ServerError.invalidAddress(text, reason: "expected HOST:PORT")
        }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ServerError.invalidAddress(text, reason: "the port must be a number from 0 to 65535")
        }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw ServerError.invalidAddress(
                text, reason: "write IPv6 addresses in brackets, e.g. [::1]:8443")
        }
        guard !host.isEmpty else {
            throw ServerError.invalidAddress(text, reason: "the host is empty")
        }
        self.init(host: host, port: port)
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}
