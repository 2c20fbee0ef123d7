/// A DNS message and its wire codec (RFC 1035 §4, with EDNS(0)'s OPT record carried as-is).
///
/// The codec is hand-written because no maintained Swift DNS library is available to cnm; it is
/// kept to what the embedded resolver needs: header, questions, and records whose data is decoded
/// for A, AAAA, PTR and CNAME and kept as opaque bytes for every other type. Reading is strict
/// and bounded — compression pointers must point backwards, names stay within 255 bytes, and the
/// header's counts are checked against the bytes present before anything is read — so a hostile
/// packet costs at most one pass over its bytes and ends in a `DNSCodecError`.
public struct DNSMessage: Hashable, Sendable {
    public var header: DNSHeader
    public var questions: [DNSQuestion]
    public var answers: [DNSResourceRecord]
    public var authorities: [DNSResourceRecord]
    public var additionals: [DNSResourceRecord]

    /// The classic UDP limit for a message without EDNS (RFC 1035 §4.2.1).
    public static let classicUDPSize = 512

    public init(
        header: DNSHeader, questions: [DNSQuestion] = [], answers: [DNSResourceRecord] = [],
        authorities: [DNSResourceRecord] = [], additionals: [DNSResourceRecord] = []
    ) {
        self.header = header
        self.questions = questions
        self.answers = answers
        self.authorities = authorities
        self.additionals = additionals
    }

    /// Decodes a whole message. Bytes after the last record are ignored.
    public init(decoding bytes: [UInt8]) throws(DNSCodecError) {
        var reader = DNSWireReader(bytes)
        header = DNSHeader(
            id: try reader.readUInt16("header ID"), flags: try reader.readUInt16("header flags"))
        let questionCount = Int(try reader.readUInt16("QDCOUNT"))
        let answerCount = Int(try reader.readUInt16("ANCOUNT"))
        let authorityCount = Int(try reader.readUInt16("NSCOUNT"))
        let additionalCount = Int(try reader.readUInt16("ARCOUNT"))
        // A question takes at least 5 bytes (root name, type, class), a record at least 11.
        let recordCount = answerCount + authorityCount + additionalCount
        guard questionCount * 5 + recordCount * 11 <= reader.remaining else {
            throw .countsExceedMessage(
                questions: questionCount, records: recordCount, remainingBytes: reader.remaining)
        }
        questions = []
        questions.reserveCapacity(questionCount)
        for _ in 0..<questionCount {
            let name = try reader.readName()
            let type = DNSRecordType(rawValue: try reader.readUInt16("QTYPE"))
            let recordClass = DNSRecordClass(rawValue: try reader.readUInt16("QCLASS"))
            questions.append(DNSQuestion(name: name, type: type, recordClass: recordClass))
        }
        answers = try Self.readRecords(answerCount, from: &reader)
        authorities = try Self.readRecords(authorityCount, from: &reader)
        additionals = try Self.readRecords(additionalCount, from: &reader)
    }

    private static func readRecords(
        _ count: Int, from reader: inout DNSWireReader
    ) throws(DNSCodecError) -> [DNSResourceRecord] {
        var records: [DNSResourceRecord] = []
        records.reserveCapacity(count)
        for _ in 0..<count {
            let name = try reader.readName()
            let type = DNSRecordType(rawValue: try reader.readUInt16("TYPE"))
            let recordClass = DNSRecordClass(rawValue: try reader.readUInt16("CLASS"))
            let ttl = try reader.readUInt32("TTL")
            let length = Int(try reader.readUInt16("RDLENGTH"))
            let start = reader.offset
            guard length <= reader.remaining else {
                throw .truncated(field: "RDATA", offset: start, needed: length - reader.remaining)
            }
            let data: DNSRecordData
            switch type {
            case .a, .aaaa:
                guard length == (type == .a ? 4 : 16) else {
                    throw .badRecordData(type: type, offset: start, length: length)
                }
                data = .address(DNSAddress(bytes: try reader.readBytes(length, "address"))!)
            case .ptr, .cname:
                let target = try reader.readName()
                guard reader.offset == start + length else {
                    throw .badRecordData(type: type, offset: start, length: length)
                }
                data = type == .ptr ? .pointer(target) : .canonicalName(target)
            default:
                data = .opaque(type: type, bytes: try reader.readBytes(length, "RDATA"))
            }
            records.append(DNSResourceRecord(name: name, recordClass: recordClass, ttl: ttl, data: data))
        }
        return records
    }

    /// Encodes the message, compressing names; the counts come from the sections.
    public func encoded() throws(DNSCodecError) -> [UInt8] {
        var writer = DNSWireWriter()
        writer.write(header.id)
        writer.write(header.flags)
        let sections = [answers, authorities, additionals]
        for count in [questions.count] + sections.map(\.count) {
            guard count <= Int(UInt16.max) else { throw .messageTooLarge(bytes: count * 11) }
            writer.write(UInt16(count))
        }
        for question in questions {
            writer.write(question.name)
            writer.write(question.type.rawValue)
            writer.write(question.recordClass.rawValue)
        }
        for record in sections.joined() {
            writer.write(record.name)
            writer.write(record.type.rawValue)
            writer.write(record.recordClass.rawValue)
            writer.write(record.ttl)
            let lengthOffset = writer.bytes.count
            writer.write(UInt16(0))
            switch record.data {
            case .address(let address): writer.write(address.bytes)
            case .pointer(let name), .canonicalName(let name): writer.write(name)
            case .opaque(_, let bytes): writer.write(bytes)
            }
            let length = writer.bytes.count - lengthOffset - 2
            guard length <= Int(UInt16.max) else { throw .messageTooLarge(bytes: writer.bytes.count) }
            writer.patch(UInt16(length), at: lengthOffset)
        }
        guard writer.bytes.count <= Int(UInt16.max) else { throw .messageTooLarge(bytes: writer.bytes.count) }
        return writer.bytes
    }

    /// The sender's EDNS(0) UDP payload size, from its OPT record; nil without one.
    public var ednsPayloadSize: Int? {
        additionals.first { $0.type == .opt }.map { Int($0.recordClass.rawValue) }
    }
}
