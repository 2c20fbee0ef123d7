/// Why a DNS message or name could not be read or written.
///
/// Offsets count bytes from the start of the message, so a log line points at the offending byte.
public enum DNSCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message ended at `offset` while `needed` more bytes of `field` were expected.
    case truncated(field: String, offset: Int, needed: Int)
    /// The header's record counts promise more than the remaining bytes could ever hold.
    case countsExceedMessage(questions: Int, records: Int, remainingBytes: Int)
    /// A label length byte with the top bits 01 or 10 (neither a label of at most 63 bytes nor a pointer).
    case badLabelLength(offset: Int, byte: UInt8)
    /// A compression pointer that does not point before the part of the name already read.
    case pointerNotBackward(offset: Int, target: Int)
    /// More compression pointers in one name than any honest message needs.
    case tooManyPointers(offset: Int)
    /// A name longer than 255 bytes on the wire.
    case nameTooLong(offset: Int)
    /// A textual name with a label longer than 63 bytes.
    case labelTooLong(name: String, label: String)
    /// A textual name with an empty label ("a..b").
    case emptyLabel(name: String)
    /// RDATA whose length does not fit its type (an A record must have 4 bytes, a PTR one name, …).
    case badRecordData(type: DNSRecordType, offset: Int, length: Int)
    /// A message to write that would exceed 65,535 bytes (the TCP length prefix limit).
    case messageTooLarge(bytes: Int)

    public var description: String {
        switch self {
        case .truncated(let field, let offset, let needed):
            return "DNS message truncated: \(needed) more byte(s) of \(field) expected at offset \(offset)"
        case .countsExceedMessage(let questions, let records, let remaining):
            return
                "DNS header promises \(questions) question(s) and \(records) record(s) but only \(remaining) byte(s) follow"
        case .badLabelLength(let offset, let byte):
            return
                "DNS label length byte 0x\(String(byte, radix: 16)) at offset \(offset) is not a label (≤ 63) "
                + "nor a compression pointer"
        case .pointerNotBackward(let offset, let target):
            return
                "DNS compression pointer at offset \(offset) points to \(target), not before the name read so far"
        case .tooManyPointers(let offset):
            return "DNS name at offset \(offset) follows too many compression pointers"
        case .nameTooLong(let offset):
            return "DNS name at offset \(offset) is longer than 255 bytes"
        case .labelTooLong(let name, let label):
            return "DNS name \"\(name)\": label \"\(label)\" is longer than 63 bytes"
        case .emptyLabel(let name):
            return "DNS name \"\(name)\" has an empty label"
        case .badRecordData(let type, let offset, let length):
            return "DNS \(type) record data at offset \(offset) has an invalid length \(length)"
        case .messageTooLarge(let bytes):
            return "DNS message of \(bytes) bytes exceeds 65535"
        }
    }
}
