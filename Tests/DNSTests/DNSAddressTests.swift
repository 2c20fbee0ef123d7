import DNS
import Testing

@Suite("DNS addresses")
struct DNSAddressTests {
    @Test(
        "IPv4 and IPv6 text round-trips through the address",
        arguments: [
            "10.89.0.2", "0.0.0.0", "255.255.255.255", "fd89::2", "::1", "2001:db8:1:2:3:4:5:6",
        ])
    func textRoundTrip(text: String) throws {
        let address = try #require(DNSAddress(text))
        #expect(address.description == text)
        #expect(DNSAddress(bytes: address.bytes) == address)
    }

    @Test(
        "malformed text is not an address",
        arguments: ["", "10.0.0", "10.0.0.256", "fd89::2::3", "web", "[::1]"])
    func rejectsText(text: String) {
        #expect(DNSAddress(text) == nil)
    }

    @Test("bytes come in network order")
    func byteOrder() {
        #expect(DNSAddress("10.89.0.2")?.bytes == [10, 89, 0, 2])
        #expect(DNSAddress("10.89.0.2") == .v4(0x0A59_0002))
        #expect(DNSAddress("fd89::2")?.bytes == [0xFD, 0x89] + Array(repeating: 0, count: 13) + [2])
        #expect(DNSAddress(bytes: [1, 2, 3]) == nil)
    }

    @Test("an IPv4 reverse name is the reversed octets under in-addr.arpa")
    func reverseV4() throws {
        let address = try #require(DNSAddress("10.89.0.2"))
        #expect(address.reverseName == (try DNSName("2.0.89.10.in-addr.arpa")))
        #expect(DNSAddress(reverseName: try DNSName("2.0.89.10.IN-ADDR.ARPA.")) == address)
    }

    @Test("an IPv6 reverse name is 32 reversed nibbles under ip6.arpa")
    func reverseV6() throws {
        let address = try #require(DNSAddress("fd89::2"))
        let text = "2." + String(repeating: "0.", count: 27) + "9.8.d.f.ip6.arpa"
        #expect(address.reverseName == (try DNSName(text)))
        #expect(DNSAddress(reverseName: try DNSName(text.uppercased())) == address)
    }

    @Test(
        "partial or malformed reverse names are no address",
        arguments: [
            "0.89.10.in-addr.arpa", "256.0.89.10.in-addr.arpa", "02.0.89.10.in-addr.arpa",
            "x.0.89.10.in-addr.arpa", "2.0.89.10.in-addr.example", "1.ip6.arpa", "web.mynet",
        ])
    func rejectsReverseNames(text: String) throws {
        #expect(DNSAddress(reverseName: try DNSName(text)) == nil)
    }
}
