import Foundation
import Testing

@testable import IPAM

@Suite("Subnets")
struct IPSubnetTests {
    @Test("a subnet with host bits set is rejected with the masked form in the message")
    func strictForm() {
        #expect {
            try IPSubnet.parse("172.18.0.5/24")
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .invalidArgument && error.field == "subnet" && error.value == "172.18.0.5/24"
                && error.message == "invalid subnet 172.18.0.5/24: it should be 172.18.0.0/24"
        }
        #expect(throws: IPAMError.self) { try IPSubnet.parse("2001:db8::1/64") }
    }

    @Test(
        "malformed CIDR text is rejected",
        arguments: [
            "172.18.0.0", "172.18.0.0/33", "::/129", "1.2.3.0/", "/24", "1.2.3.0/024", "1.2.3.0/2a", "x/8",
        ])
    func malformed(text: String) {
        #expect(IPSubnet(text) == nil)
    }

    @Test("first, last, mask and counts follow from the prefix length")
    func bounds() throws {
        let subnet = try IPSubnet.parse("172.18.0.0/24")
        #expect(subnet.first.description == "172.18.0.0")
        #expect(subnet.last.description == "172.18.0.255")
        #expect(subnet.mask.description == "255.255.255.0")
        #expect(subnet.addressCount == 256)
        #expect(subnet.hostCount == 254)
        #expect(try IPSubnet.parse("10.0.0.0/31").hostCount == 2)
        #expect(try IPSubnet.parse("10.0.0.7/32").hostCount == 1)
        let v6 = try IPSubnet.parse("fd00:1:2::/64")
        #expect(v6.last.description == "fd00:1:2:0:ffff:ffff:ffff:ffff")
        #expect(v6.addressCount == UInt128(1) << 64)
        #expect(v6.hostCount == (UInt128(1) << 64) - 1)
        #expect(try IPSubnet.parse("::/0").addressCount == .max)
        #expect(try IPSubnet.parse("0.0.0.0/0").last.description == "255.255.255.255")
    }

    @Test("containment and overlap respect prefix boundaries and families")
    func containment() throws {
        let big = try IPSubnet.parse("172.16.0.0/12")
        let inside = try IPSubnet.parse("172.31.255.0/24")
        let outside = try IPSubnet.parse("172.32.0.0/24")
        #expect(big.contains(inside) && !inside.contains(big))
        #expect(big.overlaps(inside) && inside.overlaps(big))
        #expect(!big.overlaps(outside) && !big.contains(outside))
        #expect(big.contains(IPAddress("172.20.1.2")!))
        #expect(!big.contains(IPAddress("::ffff:172.20.1.2")!))
        #expect(!big.overlaps(try IPSubnet.parse("::/0")))
    }

    @Test("a masking initializer clears the host bits")
    func masking() {
        let subnet = IPSubnet(containing: IPAddress("10.1.2.3")!, prefixLength: 8)
        #expect(subnet.description == "10.0.0.0/8")
    }

    @Test("subnets encode as JSON strings and reject non-canonical text when decoded")
    func codable() throws {
        let subnet = try IPSubnet.parse("fd00::/64")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = try encoder.encode([subnet])
        #expect(String(decoding: data, as: UTF8.self) == #"["fd00::/64"]"#)
        #expect(try JSONDecoder().decode([IPSubnet].self, from: data) == [subnet])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IPSubnet].self, from: Data(#"["10.0.0.1/8"]"#.utf8))
        }
    }

    @Test("an interface address keeps its host bits and knows its subnet")
    func interfaceAddress() throws {
        let address = try InterfaceAddress.parse("172.18.0.2/24")
        #expect(address.address.description == "172.18.0.2")
        #expect(address.subnet.description == "172.18.0.0/24")
        #expect(address.description == "172.18.0.2/24")
        #expect(InterfaceAddress("172.18.0.2") == nil)
    }
}
