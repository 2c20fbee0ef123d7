/// A resource record type (RFC 1035 §3.2.2); unknown values are kept, not rejected.
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSRecordType(rawValue: 1)
    public static let ns = DNSRecordType(rawValue: 2)
    public static let cname = DNSRecordType(rawValue: 5)
    public static let soa = DNSRecordType(rawValue: 6)
    public static let ptr = DNSRecordType(rawValue: 12)
    public static let mx = DNSRecordType(rawValue: 15)
    public static let txt = DNSRecordType(rawValue: 16)
    public static let aaaa = DNSRecordType(rawValue: 28)
    public static let srv = DNSRecordType(rawValue: 33)
    /// The EDNS(0) pseudo-record (RFC 6891).
    public static let opt = DNSRecordType(rawValue: 41)
    /// QTYPE `*`: every type the server has for the name.
    public static let any = DNSRecordType(rawValue: 255)

    public var description: String {
        switch self {
        case .a: return "A"
        case .ns: return "NS"
        case .cname: return "CNAME"
        case .soa: return "SOA"
        case .ptr: return "PTR"
        case .mx: return "MX"
        case .txt: return "TXT"
        case .aaaa: return "AAAA"
        case .srv: return "SRV"
        case .opt: return "OPT"
        case .any: return "ANY"
        default: return "TYPE\(rawValue)"
        }
    }
}

/// A resource record class (RFC 1035 §3.2.4). For OPT records this field carries the UDP payload size.
public struct DNSRecordClass: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let internet = DNSRecordClass(rawValue: 1)
    public static let chaos = DNSRecordClass(rawValue: 3)
    public static let any = DNSRecordClass(rawValue: 255)

    public var description: String {
        switch self {
        case .internet: return "IN"
        case .chaos: return "CH"
        case .any: return "ANY"
        default: return "CLASS\(rawValue)"
        }
    }
}
