/// Where cnmd listens: a Unix socket, cleartext TCP (h2c with prior knowledge) or TLS.
///
/// Written as a URL-like string, as `cnm --host` and `CNM_HOST` take it:
/// `unix:///run/cnm/cnmd.sock`, `h2c://127.0.0.1:7070`, `https://cnm.example:7443`
/// (IPv6 literals in brackets: `h2c://[::1]:7070`).
public enum CNMEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A Unix domain socket at an absolute path; HTTP/2 with prior knowledge.
    case unix(path: String)
    /// Cleartext TCP; HTTP/2 with prior knowledge (no HTTP/1.1 upgrade).
    case h2c(host: String, port: Int)
    /// TCP with TLS; HTTP/2 negotiated with ALPN `h2`.
    case tls(host: String, port: Int)

    /// The socket cnmd serves by default.
    public static let defaultSocketPath = "/run/cnm/cnmd.sock"

    /// `unix:///run/cnm/cnmd.sock`.
    public static let `default` = CNMEndpoint.unix(path: defaultSocketPath)

    /// Parses `unix:///PATH`, `h2c://HOST:PORT` or `https://HOST:PORT`.
    ///
    /// Hand-written rather than Foundation's `URL`: `URL` accepts and normalises far more
    /// than these three shapes, and its errors would not say which part of the value is wrong.
    /// - Throws: ``CNMEndpointError`` naming the value and what is wrong with it.
    public init(parsing text: String) throws(CNMEndpointError) {
        guard let separator = text.range(of: "://") else {
            throw CNMEndpointError(
                value: text, reason: "expected unix:///PATH, h2c://HOST:PORT or https://HOST:PORT")
        }
        let scheme = text[..<separator.lowerBound].lowercased()
        let rest = String(text[separator.upperBound...])
        switch scheme {
        case "unix":
            guard rest.hasPrefix("/"), rest.count > 1 else {
                throw CNMEndpointError(
                    value: text, reason: "a Unix socket needs an absolute path (unix:///run/cnm/cnmd.sock)")
            }
            self = .unix(path: rest)
        case "h2c":
            let (host, port) = try Self.hostAndPort(rest, in: text)
            self = .h2c(host: host, port: port)
        case "https":
            let (host, port) = try Self.hostAndPort(rest, in: text)
            self = .tls(host: host, port: port)
        default:
            throw CNMEndpointError(value: text, reason: "unknown scheme '\(scheme)' (use unix, h2c or https)")
        }
    }

    /// The endpoint in the form ``init(parsing:)`` reads.
    public var description: String {
        switch self {
        case .unix(let path): "unix://\(path)"
        case .h2c(let host, let port): "h2c://\(Self.bracketed(host)):\(port)"
        case .tls(let host, let port): "https://\(Self.bracketed(host)):\(port)"
        }
    }

    /// The HTTP/2 `:authority` sent with each request.
    var authority: String {
        switch self {
        case .unix: "localhost"
        case .h2c(let host, let port), .tls(let host, let port): "\(Self.bracketed(host)):\(port)"
        }
    }

    /// The HTTP/2 `:scheme` sent with each request.
    var scheme: String {
        switch self {
        case .unix, .h2c: "http"
        case .tls: "https"
        }
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }

    private static func hostAndPort(_ rest: String, in text: String) throws(CNMEndpointError) -> (String, Int)
    {
        var authority = Substring(rest)
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.contains("/") else {
            throw CNMEndpointError(value: text, reason: "a path is not allowed after HOST:PORT")
        }
        let host: Substring
        let portText: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw CNMEndpointError(value: text, reason: "missing ']' after the IPv6 address")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let afterHost = authority[authority.index(after: close)...]
            guard afterHost.hasPrefix(":") else {
                throw CNMEndpointError(value: text, reason: "expected ':PORT' after the host")
            }
            portText = afterHost.dropFirst()
        } else {
            guard let colon = authority.lastIndex(of: ":") else {
                throw CNMEndpointError(value: text, reason: "expected HOST:PORT (the port is required)")
            }
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
            guard !host.contains(":") else {
                throw CNMEndpointError(
                    value: text, reason: "an IPv6 address must be written in brackets ([::1]:PORT)")
            }
        }
        guard !host.isEmpty else {
            throw CNMEndpointError(value: text, reason: "the host is empty")
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw CNMEndpointError(value: text, reason: "'\(portText)' is not a port number (1-65535)")
        }
        return (String(host), port)
    }
}

/// A `--host`/`CNM_HOST` value that ``CNMEndpoint/init(parsing:)`` could not read.
public struct CNMEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text as given.
    public let value: String
    /// What is wrong with it.
    public let reason: String

    public var description: String { "invalid host '\(value)': \(reason)" }
}
