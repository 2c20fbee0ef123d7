/// The bits of HPACK (RFC 7541) a raw HTTP/2 client needs: encoding headers as literals
/// (never indexed, no Huffman) and finding `:status` in a response block.
///
/// Hand-written, as the rest of the raw client: the client announces a dynamic table of size 0
/// (`SETTINGS_HEADER_TABLE_SIZE`), so cnmd's encoder never refers to earlier headers, and a
/// response's `:status` is either a static-table entry or a literal whose value is Huffman
/// coded digits, for which the digits' codes of Appendix B suffice.
enum HPACK {
    struct DecodingError: Error, CustomStringConvertible {
        var description: String
    }

    /// A header block of literal fields without indexing (names must be lower case to be valid).
    static func encode(_ headers: [(name: String, value: String)]) -> [UInt8] {
        var block: [UInt8] = []
        for (name, value) in headers {
            block.append(0x00)
            block += Self.string(Array(name.utf8))
            block += Self.string(Array(value.utf8))
        }
        return block
    }

    /// A string literal without Huffman coding.
    static func string(_ bytes: [UInt8]) -> [UInt8] {
        Self.integer(bytes.count, prefixBits: 7, flags: 0) + bytes
    }

    static func integer(_ value: Int, prefixBits: Int, flags: UInt8) -> [UInt8] {
        let limit = (1 << prefixBits) - 1
        if value < limit { return [flags | UInt8(value)] }
        var bytes: [UInt8] = [flags | UInt8(limit)]
        var rest = value - limit
        while rest >= 128 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
        return bytes
    }

    /// The `:status` of a response header block, nil if it has none.
    static func status(in block: [UInt8]) throws -> Int? {
        var reader = Reader(bytes: block)
        var status: Int?
        while !reader.isAtEnd {
            let first = reader.peek()
            if first & 0x80 != 0 {
                let index = try reader.integer(prefixBits: 7)
                if let code = Self.staticStatus[index] { status = code }
                if index > 61 { throw DecodingError(description: "dynamic table reference \(index)") }
            } else if first & 0xE0 == 0x20 {
                _ = try reader.integer(prefixBits: 5)  // dynamic table size update
            } else {
                let prefix = first & 0xC0 == 0x40 ? 6 : 4
                let nameIndex = try reader.integer(prefixBits: prefix)
                if nameIndex > 61 { throw DecodingError(description: "dynamic table reference \(nameIndex)") }
                var isStatus = (8...14).contains(nameIndex)
                if nameIndex == 0 {
                    let (name, huffman) = try reader.string()
                    isStatus = !huffman && name == Array(":status".utf8)
                }
                let (value, huffman) = try reader.string()
                if isStatus {
                    let digits =
                        huffman ? try Self.huffmanDigits(value) : String(decoding: value, as: UTF8.self)
                    status = Int(digits)
                }
            }
        }
        return status
    }

    /// `:status` values of the static table (indexes 8-14).
    private static let staticStatus: [Int: Int] = [
        8: 200, 9: 204, 10: 206, 11: 304, 12: 400, 13: 404, 14: 500,
    ]

    /// Decodes a Huffman-coded string of decimal digits: '0'-'2' are the 5-bit codes 0-2,
    /// '3'-'9' the 6-bit codes 0x19-0x1f; the padding is all ones.
    static func huffmanDigits(_ bytes: [UInt8]) throws -> String {
        var bits: [Bool] = []
        for byte in bytes { for shift in (0..<8).reversed() { bits.append(byte >> shift & 1 == 1) } }
        func value(_ start: Int, _ count: Int) -> Int {
            bits[start..<start + count].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var text = ""
        var position = 0
        while position < bits.count {
            let remaining = bits.count - position
            if remaining < 8 && bits[position...].allSatisfy({ $0 }) { break }
            if remaining >= 5, value(position, 5) <= 2 {
                text.append(String(value(position, 5)))
                position += 5
            } else if remaining >= 6, (0x19...0x1F).contains(value(position, 6)) {
                text.append(String(value(position, 6) - 0x19 + 3))
                position += 6
            } else {
                throw DecodingError(description: "not a Huffman-coded status: \(bytes)")
            }
        }
        return text
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        var isAtEnd: Bool { self.offset >= self.bytes.count }

        func peek() -> UInt8 { self.bytes[self.offset] }

        mutating func integer(prefixBits: Int) throws -> Int {
            guard !self.isAtEnd else { throw DecodingError(description: "truncated integer") }
            let limit = (1 << prefixBits) - 1
            var value = Int(self.bytes[self.offset]) & limit
            self.offset += 1
            guard value == limit else { return value }
            var shift = 0
            while true {
                guard !self.isAtEnd, shift < 28 else { throw DecodingError(description: "bad integer") }
                let byte = self.bytes[self.offset]
                self.offset += 1
                value += Int(byte & 0x7F) << shift
                shift += 7
                if byte & 0x80 == 0 { return value }
            }
        }

        mutating func string() throws -> ([UInt8], huffman: Bool) {
            guard !self.isAtEnd else { throw DecodingError(description: "truncated string") }
            let huffman = self.bytes[self.offset] & 0x80 != 0
            let length = try self.integer(prefixBits: 7)
            guard self.offset + length <= self.bytes.count else {
                throw DecodingError(description: "string beyond the block")
            }
            defer { self.offset += length }
            return (Array(self.bytes[self.offset..<self.offset + length]), huffman)
        }
    }
}
