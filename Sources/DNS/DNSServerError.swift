/// Why the DNS server could not listen.
public enum DNSServerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Binding `transport` ("udp" or "tcp") on `address`:`port` failed; `reason` is the system's text.
    case bindFailed(address: DNSAddress, port: Int, transport: String, reason: String)

    public var description: String {
        switch self {
        case .bindFailed(let address, let port, let transport, let reason):
            let host = address.isIPv4 ? "\(address)" : "[\(address)]"
            return "DNS server cannot listen on \(transport) \(host):\(port): \(reason)"
        }
    }
}
