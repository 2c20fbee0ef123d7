/// Reads DNS wire data with every access bounds-checked, so hostile input ends in a
/// `DNSCodecError` instead of a trap or a loop.
struct DNSWireReader {
    /// Compression pointers followed in one name at most; 127 is the most a 255-byte name can
    /// need (one per 2-byte pointer), so honest messages never come near it.
    static let maxPointerHops = 127

    let bytes: [UInt8]
    var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    private func require(_ count: Int, _ field: String) throws(DNSCodecError) {
        guard count <= remaining else {
            throw .truncated(field: field, offset: offset, needed: count - remaining)
        }
    }

    mutating func readUInt8(_ field: String) throws(DNSCodecError) -> UInt8 {
        try require(1, field)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt16(_ field: String) throws(DNSCodecError) -> UInt16 {
        try require(2, field)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func readUInt32(_ field: String) throws(DNSCodecError) -> UInt32 {
        try require(4, field)
        defer { offset += 4 }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func readBytes(_ count: Int, _ field: String) throws(DNSCodecError) -> [UInt8] {
        try require(count, field)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Reads a possibly compressed name (RFC 1035 §4.1.4).
    ///
    /// Each pointer must point before the place where the previous jump (or the name itself)
    /// started, so the read position strictly decreases at every jump and no loop is possible;
    /// the hop count and the 255-byte limit are further bounds.
    mutating func readName() throws(DNSCodecError) -> DNSName {
        let start = offset
        var wire: [UInt8] = []
        var position = offset
        var limit = offset
        var hops = 0
        var jumped = false
        while true {
            guard position < bytes.count else {
                throw .truncated(field: "name", offset: position, needed: 1)
            }
            let length = bytes[position]
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    wire.append(0)
                    if !jumped { offset = position + 1 }
                    return DNSName(uncheckedWire: wire)
                }
                let end = position + 1 + Int(length)
                guard end <= bytes.count else {
                    throw .truncated(field: "label", offset: position + 1, needed: end - bytes.count)
                }
                guard wire.count + 1 + Int(length) + 1 <= DNSName.maxWireLength else {
                    throw .nameTooLong(offset: start)
                }
                wire.append(contentsOf: bytes[position..<end])
                position = end
            case 0xC0:
                guard position + 1 < bytes.count else {
                    throw .truncated(field: "compression pointer", offset: position + 1, needed: 1)
                }
                let target = Int(length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < limit else { throw .pointerNotBackward(offset: position, target: target) }
                hops += 1
                guard hops <= Self.maxPointerHops else { throw .tooManyPointers(offset: start) }
                if !jumped {
                    offset = position + 2
                    jumped = true
                }
                limit = target
                position = target
            default:
                throw .badLabelLength(offset: position, byte: length)
            }
        }
    }
}
