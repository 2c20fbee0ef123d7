import DNS
import Testing

@Suite("DNS message codec")
struct DNSMessageCodecTests {
    static func sampleResponse() throws -> DNSMessage {
        var header = DNSHeader(id: 0xBEEF)
        header.isResponse = true
        header.isAuthoritative = true
        header.recursionDesired = true
        header.recursionAvailable = true
        header.responseCode = .noError
        let name = try DNSName("web.frontend")
        return DNSMessage(
            header: header,
            questions: [DNSQuestion(name: name, type: .a)],
            answers: [
                DNSResourceRecord(name: name, ttl: 600, data: .address(DNSAddress("10.89.0.2")!)),
                DNSResourceRecord(name: name, ttl: 600, data: .address(DNSAddress("fd89::2")!)),
                DNSResourceRecord(name: name, ttl: 60, data: .canonicalName(try DNSName("www.frontend"))),
                DNSResourceRecord(
                    name: DNSAddress("10.89.0.2")!.reverseName, ttl: 600,
                    data: .pointer(try DNSName("web.frontend"))),
            ],
            authorities: [
                DNSResourceRecord(
                    name: try DNSName("frontend"), ttl: 5,
                    data: .opaque(type: .txt, bytes: [3, 0x61, 0x62, 0x63]))
            ],
            additionals: [
                DNSResourceRecord(
                    name: .root, recordClass: DNSRecordClass(rawValue: 1232), ttl: 0x0000_8000,
                    data: .opaque(type: .opt, bytes: [0, 10, 0, 2, 0xAB, 0xCD]))
            ])
    }

    @Test("a message with every record kind survives encode then decode unchanged")
    func roundTrip() throws {
        let message = try Self.sampleResponse()
        let decoded = try DNSMessage(decoding: try message.encoded())
        #expect(decoded == message)
        #expect(decoded.answers.map(\.type) == [.a, .aaaa, .cname, .ptr])
        #expect(decoded.ednsPayloadSize == 1232)
    }

    @Test("a query encodes to the exact bytes of RFC 1035's layout")
    func queryBytes() throws {
        var header = DNSHeader(id: 0x1234)
        header.recursionDesired = true
        let query = DNSMessage(
            header: header, questions: [DNSQuestion(name: try DNSName("web.net"), type: .aaaa)])
        let expected: [UInt8] =
            [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
            + [3, 0x77, 0x65, 0x62, 3, 0x6E, 0x65, 0x74, 0] + [0, 28, 0, 1]
        #expect(try query.encoded() == expected)
    }

    @Test("repeated names are written as pointers and read back whole")
    func compressionOnWrite() throws {
        let name = try DNSName("web.frontend")
        var message = DNSMessage(header: DNSHeader(id: 1), questions: [DNSQuestion(name: name, type: .a)])
        message.answers = (1...3).map {
            DNSResourceRecord(name: name, ttl: 600, data: .address(.v4(0x0A59_0000 + UInt32($0))))
        }
        let bytes = try message.encoded()
        // Header 12, question 14 + 4, then three answers of 2 (pointer) + 10 + 4.
        #expect(bytes.count == 12 + 18 + 3 * 16)
        #expect(bytes[30] == 0xC0 && bytes[31] == 12)
        #expect(try DNSMessage(decoding: bytes) == message)
    }

    @Test("name compression ignores case but keeps the question as asked")
    func compressionKeepsQuestionCase() throws {
        var message = DNSMessage(
            header: DNSHeader(id: 2), questions: [DNSQuestion(name: try DNSName("WEB.frontend"), type: .a)])
        message.answers = [
            DNSResourceRecord(name: try DNSName("web.FRONTEND"), ttl: 1, data: .address(.v4(1)))
        ]
        let decoded = try DNSMessage(decoding: try message.encoded())
        #expect(decoded.questions[0].name.description == "WEB.frontend.")
        #expect(decoded.answers[0].name == message.answers[0].name)
    }

    @Test("header flag accessors set exactly their own bits")
    func headerFlags() {
        var header = DNSHeader()
        header.isResponse = true
        #expect(header.flags == 0x8000)
        header.opcode = 2
        #expect(header.flags == 0x9000)
        header.isTruncated = true
        header.responseCode = .refused
        #expect(header.flags == 0x9205)
        header.isResponse = false
        header.opcode = 0
        #expect(header.flags == 0x0205)
        #expect(header.responseCode == .refused)
        #expect(header.isTruncated)
        #expect(!header.isAuthoritative)
    }

    @Test("bytes after the last record are ignored")
    func trailingBytes() throws {
        let message = try Self.sampleResponse()
        #expect(try DNSMessage(decoding: try message.encoded() + [1, 2, 3]) == message)
    }

    @Test("a message too large for the 16-bit length is refused on encode")
    func tooLarge() throws {
        let big = DNSResourceRecord(
            name: .root, ttl: 0, data: .opaque(type: .txt, bytes: Array(repeating: 0, count: 40_000)))
        let message = DNSMessage(header: DNSHeader(), answers: [big, big])
        #expect(throws: DNSCodecError.self) { try message.encoded() }
    }
}
