import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension DNSAddress {
    /// The IP of a NIO socket address, read from its sockaddr without going through text
    /// (this runs for every query); nil for Unix-domain addresses.
    init?(_ socketAddress: SocketAddress) {
        switch socketAddress {
        case .v4(let v4):
            self = .v4(UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            self.init(bytes: withUnsafeBytes(of: &raw) { Array($0) })
        case .unixDomainSocket:
            return nil
        }
    }
}

extension SocketAddress {
    /// The socket address for an IP, a port and, for link-local IPv6, an interface index.
    init(_ address: DNSAddress, port: Int, scopeID: UInt32 = 0) {
        switch address {
        case .v4(let value):
            var raw = sockaddr_in()
            raw.sin_family = sa_family_t(AF_INET)
            raw.sin_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
            raw.sin_addr.s_addr = value.bigEndian
            self.init(raw, host: address.description)
        case .v6:
            var raw = sockaddr_in6()
            raw.sin6_family = sa_family_t(AF_INET6)
            raw.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port)).bigEndian
            raw.sin6_scope_id = scopeID
            let bytes = address.bytes
            withUnsafeMutableBytes(of: &raw.sin6_addr) { $0.copyBytes(from: bytes) }
            self.init(raw, host: address.description)
        }
    }
}
