import Testing

@testable import DNS

/// Random and mutated packets through the parser and the responder: none may crash or hang, and
/// whatever parses must survive an encode/decode round trip unchanged.
@Suite("DNS codec fuzzing")
struct CodecFuzzTests {
    static let packetCount = 100_000

    /// Valid messages to mutate: a query, a full response, a compressed one and a pointer chain.
    static func seeds() throws -> [[UInt8]] {
        var compressed = DNSMessage(
            header: DNSHeader(id: 7), questions: [DNSQuestion(name: try DNSName("db.frontend"), type: .a)])
        compressed.answers = (1...4).map {
            DNSResourceRecord(name: try! DNSName("db.frontend"), ttl: 600, data: .address(.v4(UInt32($0))))
        }
        return [
            try TestClient.query("web", .a).encoded(),
            try TestClient.query("2.0.89.10.in-addr.arpa", .ptr).encoded(),
            try DNSMessageCodecTests.sampleResponse().encoded(),
            try compressed.encoded(),
            HostilePacketTests.pointerChain(hops: 20),
        ]
    }

    static func mutate(_ seed: [UInt8], with random: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            guard !bytes.isEmpty else { break }
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1: bytes[index] = UInt8.random(in: 0...255, using: &random)
            case 2: bytes.removeSubrange(index...)
            case 3: bytes.insert(contentsOf: [0xC0, UInt8.random(in: 0...255, using: &random)], at: index)
            case 4: bytes[index] = [0, 63, 64, 0xC0, 0xFF].randomElement(using: &random)!
            case 5 where bytes.count >= 12:
                // A random section count.
                let count = 4 + 2 * Int.random(in: 0..<4, using: &random)
                bytes[count] = UInt8.random(in: 0...255, using: &random)
            default:
                let end = min(bytes.count, index + Int.random(in: 1...16, using: &random))
                bytes.insert(
                    contentsOf: bytes[index..<end], at: Int.random(in: 0...bytes.count, using: &random))
            }
        }
        return bytes
    }

    static func randomPacket(with random: inout SeededGenerator) -> [UInt8] {
        let length = Int.random(in: 0...300, using: &random)
        var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
        if bytes.count >= 12 {
            // Small counts, so that the parser gets past the header more often than not.
            for index in stride(from: 4, to: 12, by: 2) {
                bytes[index] = 0
                bytes[index + 1] = UInt8.random(in: 0...3, using: &random)
            }
        }
        return bytes
    }

    @Test("100,000 random and mutated packets never crash the parser and parsed ones round-trip")
    func fuzzParser() throws {
        var random = SeededGenerator(seed: 0x00C0_FFEE)
        let seeds = try Self.seeds()
        let responder = DNSResponder(source: Fixtures.table, ttl: 600, forwards: true)
        var parsed = 0
        for round in 0..<Self.packetCount {
            let packet =
                round % 4 == 0
                ? Self.randomPacket(with: &random)
                : Self.mutate(seeds[round % seeds.count], with: &random)
            _ = responder.respond(to: packet, from: Fixtures.frontendClient)
            guard let message = try? DNSMessage(decoding: packet) else { continue }
            parsed += 1
            let again = try DNSMessage(decoding: try message.encoded())
            #expect(again == message, "packet \(round): \(packet)")
            if again != message { break }
        }
        // Mutations keep enough structure that a good share still parses; if almost none did,
        // the fuzzer would only be testing the first bounds check.
        #expect(parsed > Self.packetCount / 20)
    }
}
