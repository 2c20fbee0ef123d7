import DNS
import Testing

/// Packets an attacker or a broken client could send: each must end in a typed error.
@Suite("Hostile DNS packets")
struct HostilePacketTests {
    /// A header with the given counts.
    static func header(qd: UInt16 = 1, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0) -> [UInt8] {
        [0xAB, 0xCD, 0x01, 0x00] + [qd, an, ns, ar].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    @Test("every truncation of a valid message is an error, never a crash")
    func everyTruncation() throws {
        let bytes = try DNSMessageCodecTests.sampleResponse().encoded()
        for length in 0..<bytes.count {
            #expect(throws: DNSCodecError.self) { try DNSMessage(decoding: Array(bytes[..<length])) }
        }
    }

    @Test("a message shorter than the header is truncated")
    func shortHeader() {
        #expect(throws: DNSCodecError.truncated(field: "QDCOUNT", offset: 4, needed: 1)) {
            try DNSMessage(decoding: [0, 1, 0, 0, 0])
        }
    }

    @Test("a pointer to itself is rejected")
    func selfPointer() {
        #expect(throws: DNSCodecError.pointerNotBackward(offset: 12, target: 12)) {
            try DNSMessage(decoding: Self.header() + [0xC0, 12, 0, 1, 0, 1])
        }
    }

    @Test("a pointer forward is rejected")
    func forwardPointer() {
        #expect(throws: DNSCodecError.pointerNotBackward(offset: 12, target: 14)) {
            try DNSMessage(decoding: Self.header() + [0xC0, 14, 0, 0, 1, 0, 1])
        }
    }

    @Test("a compression loop (a pointer back to the start of its own name) is rejected")
    func pointerLoop() {
        // "a" at 12, then a pointer to 12: backward in the message, but into the name being read,
        // which a naive decoder would follow forever.
        #expect(throws: DNSCodecError.pointerNotBackward(offset: 14, target: 12)) {
            try DNSMessage(decoding: Self.header() + [1, 0x61, 0xC0, 12, 0, 1, 0, 1])
        }
    }

    /// A TXT record whose data is "a." followed by `hops` pointers, each to the one before, then
    /// a record whose name points at the last: reading that name follows `hops + 1` pointers.
    static func pointerChain(hops: Int) -> [UInt8] {
        var rdata: [UInt8] = [1, 0x61, 0]
        for index in 0..<hops {
            let target = index == 0 ? 23 : 26 + 2 * (index - 1)
            rdata += [0xC0 | UInt8(target >> 8), UInt8(target & 0xFF)]
        }
        let last = 26 + 2 * (hops - 1)
        let first: [UInt8] = [0, 0, 16, 0, 1, 0, 0, 0, 0, UInt8(rdata.count >> 8), UInt8(rdata.count & 0xFF)]
        let second: [UInt8] = [
            0xC0 | UInt8(last >> 8), UInt8(last & 0xFF), 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4,
        ]
        return header(qd: 0, an: 2) + first + rdata + second
    }

    @Test("a name that follows too many pointers is rejected")
    func tooManyPointers() {
        let bytes = Self.pointerChain(hops: 200)
        #expect(throws: DNSCodecError.tooManyPointers(offset: 426)) { try DNSMessage(decoding: bytes) }
    }

    @Test("a long but finite pointer chain is still read")
    func longPointerChain() throws {
        let message = try DNSMessage(decoding: Self.pointerChain(hops: 100))
        #expect(message.answers[1].name == (try DNSName("a")))
    }

    @Test("label length bytes from 64 to 191 are rejected", arguments: [64, 65, 127, 128, 191] as [UInt8])
    func labelTooLong(byte: UInt8) {
        let bytes = Self.header() + [byte] + Array(repeating: 0x61, count: 200) + [0, 0, 1, 0, 1]
        #expect(throws: DNSCodecError.badLabelLength(offset: 12, byte: byte)) {
            try DNSMessage(decoding: bytes)
        }
    }

    @Test("a name longer than 255 bytes is rejected")
    func nameTooLong() {
        let labels = (0..<5).flatMap { _ in [UInt8(60)] + Array(repeating: UInt8(0x61), count: 60) }
        #expect(throws: DNSCodecError.nameTooLong(offset: 12)) {
            try DNSMessage(decoding: Self.header() + labels + [0, 0, 1, 0, 1])
        }
    }

    @Test("a name made longer than 255 bytes by pointers is rejected")
    func nameTooLongThroughPointers() {
        // Name 1: 3 × 63-byte labels (192 bytes + root). Name 2: another 63-byte label and a
        // pointer to name 1: 64 + 192 + 1 = 257 bytes.
        let label = [UInt8(63)] + Array(repeating: UInt8(0x61), count: 63)
        let first = label + label + label + [0, 0, 1, 0, 1]
        let second = label + [0xC0, 12, 0, 1, 0, 1]
        #expect(throws: DNSCodecError.nameTooLong(offset: 12 + first.count)) {
            try DNSMessage(decoding: Self.header(qd: 2) + first + second)
        }
    }

    @Test(
        "absurd counts fail at once instead of allocating or looping",
        arguments: [
            (UInt16(65535), UInt16(0)), (0, 65535), (65535, 65535),
        ])
    func absurdCounts(qd: UInt16, an: UInt16) {
        let bytes = Self.header(qd: qd, an: an, ns: an, ar: an) + [0, 0, 1, 0, 1]
        #expect(throws: DNSCodecError.self) { try DNSMessage(decoding: bytes) }
    }

    @Test("counts that fit the size but not the content end in a truncation")
    func countsOverContent() {
        // 2 questions of 5 bytes fit 10 bytes, but the first name eats them.
        let bytes = Self.header(qd: 2) + [7, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0, 0]
        #expect(throws: DNSCodecError.self) { try DNSMessage(decoding: bytes) }
    }

    @Test("an A record whose data is not 4 bytes is rejected")
    func badAddressLength() {
        let record: [UInt8] = [0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 5, 10, 0, 0, 1, 9]
        #expect(throws: DNSCodecError.badRecordData(type: .a, offset: 23, length: 5)) {
            try DNSMessage(decoding: Self.header(qd: 0, an: 1) + record)
        }
    }

    @Test("a PTR record whose name overruns its data length is rejected")
    func pointerRecordOverrun() {
        let record: [UInt8] = [0, 0, 12, 0, 1, 0, 0, 0, 1, 0, 2, 3, 0x61, 0x62, 0x63, 0]
        #expect(throws: DNSCodecError.badRecordData(type: .ptr, offset: 23, length: 2)) {
            try DNSMessage(decoding: Self.header(qd: 0, an: 1) + record)
        }
    }

    @Test("record data longer than the message is truncated")
    func rdataOverrun() {
        let record: [UInt8] = [0, 0, 16, 0, 1, 0, 0, 0, 1, 0xFF, 0xFF, 1, 2, 3]
        #expect(throws: DNSCodecError.truncated(field: "RDATA", offset: 23, needed: 65_532)) {
            try DNSMessage(decoding: Self.header(qd: 0, an: 1) + record)
        }
    }
}
