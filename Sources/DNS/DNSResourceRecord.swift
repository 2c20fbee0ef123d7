/// One resource record of the answer, authority or additional section (RFC 1035 §4.1.3).
public struct DNSResourceRecord: Hashable, Sendable {
    public var name: DNSName
    /// The class; for an OPT record, the sender's UDP payload size.
    public var recordClass: DNSRecordClass
    /// Seconds the record may be cached; for an OPT record, the extended RCODE and flags.
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: DNSName, recordClass: DNSRecordClass = .internet, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.recordClass = recordClass
        self.ttl = ttl
        self.data = data
    }

    /// The record's type, which its data determines.
    public var type: DNSRecordType { data.type }
}

/// The RDATA of the record types this resolver answers; anything else is carried as opaque bytes.
public enum DNSRecordData: Hashable, Sendable {
    /// An A record for an IPv4 address, an AAAA record for an IPv6 one.
    case address(DNSAddress)
    /// A PTR record (reverse lookup).
    case pointer(DNSName)
    /// A CNAME record.
    case canonicalName(DNSName)
    /// Any other type, OPT included, with its RDATA exactly as received.
    case opaque(type: DNSRecordType, bytes: [UInt8])

    public var type: DNSRecordType {
        switch self {
        case .address(let address): return address.isIPv4 ? .a : .aaaa
        case .pointer: return .ptr
        case .canonicalName: return .cname
        case .opaque(let type, _): return type
        }
    }
}
