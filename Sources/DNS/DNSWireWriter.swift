/// Writes DNS wire data, compressing names against those already written (RFC 1035 §4.1.4).
struct DNSWireWriter {
    private(set) var bytes: [UInt8] = []
    /// Lower-cased wire suffixes already written, by offset; only offsets a pointer can reach.
    private var suffixes: [ArraySlice<UInt8>: Int] = [:]

    init() {
        bytes.reserveCapacity(512)
    }

    mutating func write(_ value: UInt8) {
        bytes.append(value)
    }

    mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func write(_ value: UInt32) {
        write(UInt16(truncatingIfNeeded: value >> 16))
        write(UInt16(truncatingIfNeeded: value))
    }

    mutating func write(_ values: [UInt8]) {
        bytes.append(contentsOf: values)
    }

    /// Overwrites a 16-bit value written earlier (an RDLENGTH once the RDATA is known).
    mutating func patch(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value)
    }

    mutating func write(_ name: DNSName) {
        let lowered = ArraySlice(name.wire.map(DNSName.lowercase))
        var index = 0
        while name.wire[index] != 0 {
            let suffix = lowered[index...]
            if let target = suffixes[suffix] {
                write(0xC000 | UInt16(target))
                return
            }
            if bytes.count <= 0x3FFF { suffixes[suffix] = bytes.count }
            let length = Int(name.wire[index])
            bytes.append(contentsOf: name.wire[index...(index + length)])
            index += 1 + length
        }
        bytes.append(0)
    }
}
