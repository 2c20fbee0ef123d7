#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the embedded resolver sends names it does not own (`cnmd --dns-upstream`).
public enum DNSUpstream: Hashable, Sendable {
    /// Answer REFUSED at once.
    case none
    /// Forward to these servers over UDP, trying them in order.
    case servers([DNSUpstreamServer])
    /// Forward to every nameserver of this resolv.conf (re-read when the file changes); cnmd's own
    /// namespace forwards, so a loopback resolver such as 127.0.0.53 works.
    case host(resolvConf: String)

    /// The host's resolver configuration.
    public static let host = DNSUpstream.host(resolvConf: "/etc/resolv.conf")

    /// Parses the `--dns-upstream` argument: `host`, `none`, or a server as `IP`, `IP:PORT` or
    /// `[IPv6]:PORT`; several servers may be separated by commas.
    public init?(argument: String) {
        switch argument {
        case "host": self = .host
        case "none": self = .none
        default:
            let servers = argument.split(separator: ",").map { DNSUpstreamServer(String($0)) }
            guard !servers.isEmpty, !servers.contains(nil) else { return nil }
            self = .servers(servers.compactMap { $0 })
        }
    }
}

/// One upstream nameserver: address, port and, for a link-local IPv6 address, the interface.
public struct DNSUpstreamServer: Hashable, Sendable, CustomStringConvertible {
    public var address: DNSAddress
    public var port: Int
    /// Interface index for a link-local IPv6 address (`fe80::1%eth0`); 0 otherwise.
    public var scopeID: UInt32

    public init(address: DNSAddress, port: Int = 53, scopeID: UInt32 = 0) {
        self.address = address
        self.port = port
        self.scopeID = scopeID
    }

    /// Parses `1.2.3.4`, `1.2.3.4:5353`, `fd00::1`, `[fd00::1]:5353` or `fe80::1%eth0`
    /// (an interface name or number after `%`).
    public init?(_ text: String) {
        var host = Substring(text)
        var port = 53
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let value = Int(rest.dropFirst()) else { return nil }
                port = value
            }
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]) else { return nil }
            port = value
            host = host[..<colon]
        }
        guard (1...65535).contains(port) else { return nil }
        self.init(address: String(host), port: port)
    }

    /// Parses an address alone, `fd00::1` or `fe80::1%eth0` (an interface name or number after
    /// `%`), as resolv.conf writes it.
    public init?(address text: String, port: Int = 53) {
        var host = Substring(text)
        var scopeID: UInt32 = 0
        if let percent = host.firstIndex(of: "%") {
            let zone = String(host[host.index(after: percent)...])
            host = host[..<percent]
            if let index = UInt32(zone) {
                scopeID = index
            } else {
                scopeID = if_nametoindex(zone)
                guard scopeID != 0 else { return nil }
            }
        }
        guard let address = DNSAddress(String(host)), scopeID == 0 || !address.isIPv4 else { return nil }
        self.init(address: address, port: port, scopeID: scopeID)
    }

    public var description: String {
        let zone = scopeID == 0 ? "" : "%\(scopeID)"
        return address.isIPv4 ? "\(address):\(port)" : "[\(address)\(zone)]:\(port)"
    }
}
