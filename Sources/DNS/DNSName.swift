/// A domain name, kept in its uncompressed wire form (length-prefixed labels ending in the root's 0).
///
/// Comparison and hashing ignore ASCII case, as DNS names do (RFC 4343); the bytes keep the case
/// they came with, so an answer echoes the question exactly as asked.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    /// The longest name on the wire, length bytes and root included (RFC 1035 §2.3.4).
    public static let maxWireLength = 255
    /// The longest label (RFC 1035 §2.3.4).
    public static let maxLabelLength = 63
    /// The root name, ".".
    public static let root = DNSName(uncheckedWire: [0])

    /// Length-prefixed labels ending in 0; at most 255 bytes, labels at most 63.
    public let wire: [UInt8]

    init(uncheckedWire: [UInt8]) {
        self.wire = uncheckedWire
    }

    /// Parses dotted text ("web.mynet", "web.mynet." or "." for the root); labels are split at
    /// every dot, with no escapes (container names and aliases never need them).
    public init(_ text: String) throws(DNSCodecError) {
        var labels = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        if labels.last?.isEmpty == true { labels.removeLast() }
        if labels.count == 1 && labels[0].isEmpty && text.utf8.count <= 1 { labels.removeAll() }
        try self.init(labels: labels.map { Array($0) }, text: text)
    }

    /// Builds a name from its labels, checking the length limits.
    public init(labels: [[UInt8]]) throws(DNSCodecError) {
        try self.init(labels: labels, text: nil)
    }

    private init(labels: [[UInt8]], text: String?) throws(DNSCodecError) {
        var wire: [UInt8] = []
        wire.reserveCapacity(labels.reduce(1) { $0 + $1.count + 1 })
        func shown() -> String {
            text ?? labels.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
        }
        for label in labels {
            guard !label.isEmpty else { throw .emptyLabel(name: shown()) }
            guard label.count <= Self.maxLabelLength else {
                throw .labelTooLong(name: shown(), label: String(decoding: label, as: UTF8.self))
            }
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        wire.append(0)
        guard wire.count <= Self.maxWireLength else { throw .nameTooLong(offset: 0) }
        self.wire = wire
    }

    /// The labels, most specific first; the root has none.
    public var labels: [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var index = 0
        while wire[index] != 0 {
            let length = Int(wire[index])
            result.append(wire[(index + 1)..<(index + 1 + length)])
            index += 1 + length
        }
        return result
    }

    /// The name in lower case without the final dot ("web.mynet"); the root is "".
    /// This is the key under which record tables file names.
    public var lowercasedText: String {
        labels.map { String(decoding: $0.map(Self.lowercase), as: UTF8.self) }.joined(separator: ".")
    }

    /// Whether `suffix` is this name or one of its ancestors ("a.b.c" ends with "b.c" and ".").
    public func hasSuffix(_ suffix: DNSName) -> Bool {
        guard suffix.wire.count <= wire.count else { return false }
        var index = 0
        while wire.count - index > suffix.wire.count {
            index += 1 + Int(wire[index])
        }
        return wire.count - index == suffix.wire.count
            && zip(wire[index...], suffix.wire).allSatisfy { Self.lowercase($0) == Self.lowercase($1) }
    }

    /// Dotted text with a final dot, as dig prints it; a dot or backslash inside a label is escaped
    /// with a backslash and any other byte outside printable ASCII as `\DDD`.
    public var description: String {
        if wire.count == 1 { return "." }
        var text = ""
        for label in labels {
            for byte in label {
                switch byte {
                case UInt8(ascii: "."), UInt8(ascii: "\\"):
                    text += "\\" + String(UnicodeScalar(byte))
                case 0x21...0x7E:
                    text.unicodeScalars.append(UnicodeScalar(byte))
                default:
                    let digits = String(byte)
                    text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            text += "."
        }
        return text
    }

    public static func == (lhs: DNSName, rhs: DNSName) -> Bool {
        lhs.wire.count == rhs.wire.count
            && zip(lhs.wire, rhs.wire).allSatisfy { lowercase($0) == lowercase($1) }
    }

    public func hash(into hasher: inout Hasher) {
        // Length bytes are at most 63, below "A" (65), so lower-casing the whole wire form is safe.
        for byte in wire { hasher.combine(Self.lowercase(byte)) }
    }

    static func lowercase(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }
}
