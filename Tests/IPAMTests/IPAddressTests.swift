import Foundation
import Testing

@testable import IPAM

@Suite("IP addresses")
struct IPAddressTests {
    @Test("IPv4 text parses to its numeric value and prints back the same")
    func ipv4RoundTrip() throws {
        let address = try IPAddress.parse("172.18.0.5")
        #expect(address == .v4(0xAC12_0005))
        #expect(address.family == .v4)
        #expect(address.description == "172.18.0.5")
    }

    @Test(
        "malformed IPv4 text is rejected",
        arguments: [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1..2.3", "a.b.c.d", " 1.2.3.4",
        ])
    func ipv4Rejects(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(
        "IPv6 prints in RFC 5952 form",
        arguments: [
            ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("0:0:0:0:0:0:0:0", "::"),
            ("::1", "::1"),
            ("fd00::", "fd00::"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
            ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"),
            ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ])
    func ipv6Canonical(input: String, expected: String) throws {
        let address = try IPAddress.parse(input)
        #expect(address.family == .v6)
        #expect(address.description == expected)
        #expect(IPAddress(expected) == address)
    }

    @Test(
        "malformed IPv6 text is rejected",
        arguments: [
            ":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "fe80::1%eth0", "g::1",
            "1:2:3:4:5:6:7:8::", "::1.2.3", "1.2.3.4::", "::1.2.3.4:5",
        ])
    func ipv6Rejects(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test("parse errors are typed and name the field and the value")
    func parseError() {
        #expect {
            try IPAddress.parse("300.1.1.1", field: "gateway")
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .invalidArgument && error.field == "gateway" && error.value == "300.1.1.1"
                && error.message.contains("invalid gateway 300.1.1.1")
        }
    }

    @Test("addresses sort numerically, IPv4 before IPv6")
    func ordering() {
        let sorted = ["::1", "10.0.0.2", "9.255.255.255", "10.0.0.10", "::"].compactMap(IPAddress.init)
            .sorted()
        #expect(sorted.map(\.description) == ["9.255.255.255", "10.0.0.2", "10.0.0.10", "::", "::1"])
    }

    @Test("addresses encode as JSON strings and decode back")
    func codable() throws {
        let addresses = [IPAddress("172.17.0.1")!, IPAddress("fd12:3456:789a::1")!]
        let data = try JSONEncoder().encode(addresses)
        #expect(String(decoding: data, as: UTF8.self) == #"["172.17.0.1","fd12:3456:789a::1"]"#)
        #expect(try JSONDecoder().decode([IPAddress].self, from: data) == addresses)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IPAddress].self, from: Data(#"["not an address"]"#.utf8))
        }
    }

    @Test("advancing wraps within the family")
    func advance() {
        #expect(IPAddress("10.0.0.255")!.advanced(by: 1) == IPAddress("10.0.1.0")!)
        #expect(IPAddress("255.255.255.255")!.advanced(by: 1) == IPAddress("0.0.0.0")!)
    }

    @Test("SHA-256 matches the FIPS 180-4 test vectors")
    func sha256() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            hex(SHA256.hash(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(
            hex(SHA256.hash(Array(twoBlocks.utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
