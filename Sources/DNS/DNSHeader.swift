/// The fixed 12-byte message header without its counts, which the sections' sizes give
/// (RFC 1035 §4.1.1). Flags are kept raw so that bits this module does not name survive a round trip.
public struct DNSHeader: Hashable, Sendable {
    /// The query ID a response must echo.
    public var id: UInt16
    /// The second header word: QR, OPCODE, AA, TC, RD, RA, Z, AD, CD and RCODE.
    public var flags: UInt16

    public init(id: UInt16 = 0, flags: UInt16 = 0) {
        self.id = id
        self.flags = flags
    }

    /// QR: this message is a response.
    public var isResponse: Bool {
        get { bit(15) }
        set { setBit(15, newValue) }
    }

    /// OPCODE; 0 is a standard query.
    public var opcode: UInt8 {
        get { UInt8((flags >> 11) & 0x0F) }
        set { flags = (flags & ~(0x0F << 11)) | (UInt16(newValue & 0x0F) << 11) }
    }

    /// AA: the answer comes from a server authoritative for the name.
    public var isAuthoritative: Bool {
        get { bit(10) }
        set { setBit(10, newValue) }
    }

    /// TC: the message was cut to fit UDP; the client should ask again over TCP.
    public var isTruncated: Bool {
        get { bit(9) }
        set { setBit(9, newValue) }
    }

    /// RD: the client wants recursion.
    public var recursionDesired: Bool {
        get { bit(8) }
        set { setBit(8, newValue) }
    }

    /// RA: the server offers recursion.
    public var recursionAvailable: Bool {
        get { bit(7) }
        set { setBit(7, newValue) }
    }

    /// RCODE (the low four bits; EDNS extended codes are not used here).
    public var responseCode: DNSResponseCode {
        get { DNSResponseCode(rawValue: UInt8(flags & 0x0F)) }
        set { flags = (flags & ~0x0F) | UInt16(newValue.rawValue & 0x0F) }
    }

    private func bit(_ index: UInt16) -> Bool { flags & (1 << index) != 0 }

    private mutating func setBit(_ index: UInt16, _ value: Bool) {
        if value { flags |= 1 << index } else { flags &= ~(1 << index) }
    }
}

/// RCODE values (RFC 1035 §4.1.1).
public struct DNSResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let noError = DNSResponseCode(rawValue: 0)
    public static let formatError = DNSResponseCode(rawValue: 1)
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    /// NXDOMAIN: the name does not exist.
    public static let nonExistentDomain = DNSResponseCode(rawValue: 3)
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    public static let refused = DNSResponseCode(rawValue: 5)

    public var description: String {
        switch self {
        case .noError: return "NOERROR"
        case .formatError: return "FORMERR"
        case .serverFailure: return "SERVFAIL"
        case .nonExistentDomain: return "NXDOMAIN"
        case .notImplemented: return "NOTIMP"
        case .refused: return "REFUSED"
        default: return "RCODE\(rawValue)"
        }
    }
}
