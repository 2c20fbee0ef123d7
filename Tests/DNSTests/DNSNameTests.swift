import DNS
import Testing

@Suite("DNS names")
struct DNSNameTests {
    @Test("text with or without the final dot gives the same labels")
    func parsesDottedText() throws {
        let name = try DNSName("web.mynet")
        #expect(name == (try DNSName("web.mynet.")))
        #expect(name.labels.map { String(decoding: $0, as: UTF8.self) } == ["web", "mynet"])
        #expect(name.wire == [3] + Array("web".utf8) + [5] + Array("mynet".utf8) + [0])
        #expect(name.description == "web.mynet.")
    }

    @Test("the empty text and a lone dot are the root")
    func root() throws {
        #expect(try DNSName("") == .root)
        #expect(try DNSName(".") == .root)
        #expect(DNSName.root.description == ".")
        #expect(DNSName.root.lowercasedText == "")
    }

    @Test("names compare and hash without regard to ASCII case")
    func caseInsensitive() throws {
        let upper = try DNSName("WeB.MyNet")
        let lower = try DNSName("web.mynet")
        #expect(upper == lower)
        #expect(Set([upper, lower]).count == 1)
        #expect(upper.lowercasedText == "web.mynet")
        #expect(upper.description == "WeB.MyNet.")
        #expect(upper != (try DNSName("web.mynet2")))
    }

    @Test("a label of 64 bytes is rejected, 63 accepted")
    func labelLimit() throws {
        #expect(throws: DNSCodecError.self) { try DNSName(String(repeating: "a", count: 64) + ".net") }
        #expect(try DNSName(String(repeating: "a", count: 63)).wire.count == 65)
    }

    @Test("a name over 255 bytes on the wire is rejected")
    func nameLimit() throws {
        let label = String(repeating: "a", count: 63)
        // 4 × 64 + 1 = 257 bytes.
        #expect(throws: DNSCodecError.nameTooLong(offset: 0)) {
            try DNSName([label, label, label, label].joined(separator: "."))
        }
        // 3 × 64 + 62 + 1 = 255 bytes.
        let longest = [label, label, label, String(repeating: "b", count: 61)].joined(separator: ".")
        #expect(try DNSName(longest).wire.count == 255)
    }

    @Test("an empty label in the middle is rejected")
    func emptyLabel() {
        #expect(throws: DNSCodecError.emptyLabel(name: "a..b")) { try DNSName("a..b") }
    }

    @Test("dots and unprintable bytes inside a label are escaped in text")
    func escaping() throws {
        let name = try DNSName(labels: [Array("a.b".utf8), [0x07, UInt8(ascii: "x")]])
        #expect(name.description == "a\\.b.\\007x.")
    }

    @Test("suffixes match whole labels only")
    func suffixes() throws {
        let name = try DNSName("1.0.89.10.IN-ADDR.arpa")
        #expect(name.hasSuffix(try DNSName("in-addr.arpa")))
        #expect(name.hasSuffix(.root))
        #expect(!name.hasSuffix(try DNSName("addr.arpa")))
        #expect(!(try DNSName("arpa")).hasSuffix(name))
    }
}
