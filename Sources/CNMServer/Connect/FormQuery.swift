import Foundation

/// A URL query decoded as `application/x-www-form-urlencoded`: `+` is a space and `%XX` a byte.
///
/// Hand-written because Foundation's `URLComponents.queryItems` leaves `+` alone, while
/// `curl -G --data-urlencode` and browsers encode spaces as `+` (connect.md §3).
struct FormQuery: Sendable {
    /// The parameters in order; a name may repeat (the first one counts).
    private(set) var items: [(name: String, value: [UInt8])] = []

    /// Parses the part after `?`. Malformed percent escapes are kept literally, as browsers do.
    init(_ query: Substring) {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(decoding: Self.decode(parts[0]), as: UTF8.self)
            let value = parts.count > 1 ? Self.decode(parts[1]) : []
            self.items.append((name, value))
        }
    }

    /// The first value of `name` as bytes.
    func bytes(_ name: String) -> [UInt8]? {
        self.items.first { $0.name == name }?.value
    }

    /// The first value of `name` as text.
    func string(_ name: String) -> String? {
        self.bytes(name).map { String(decoding: $0, as: UTF8.self) }
    }

    static func decode(_ text: Substring) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var bytes = text.utf8[...]
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let hex = bytes.prefix(2)
                if hex.count == 2, let high = Self.hexValue(hex.first!), let low = Self.hexValue(hex.last!) {
                    out.append(high << 4 | low)
                    bytes = bytes.dropFirst(2)
                } else {
                    out.append(byte)
                }
            default:
                out.append(byte)
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Decodes URL-safe base64 (RFC 4648 §5) with or without padding; the standard alphabet is
    /// accepted too.
    static func decodeBase64URL(_ bytes: [UInt8]) -> [UInt8]? {
        var text = String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        while text.hasSuffix("=") { text.removeLast() }
        let remainder = text.utf8.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { text += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: text).map { [UInt8]($0) }
    }
}
