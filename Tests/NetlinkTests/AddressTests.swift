import Netlink
import Testing

@Suite("Addresses")
struct AddressTests {
    @Test("IPv4 and IPv6 addresses added to a link are listed with their prefix lengths, and removed")
    func addListDelete() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let name = uniqueName("ad")
        let bridge = try socket.createBridge(name: name, up: true)
        defer { try? socket.deleteLink(index: bridge.index) }

        try socket.addAddress("10.231.1.1/24", index: bridge.index)
        try socket.addAddress("fd00:231:1::1/64", index: bridge.index, duplicateAddressDetection: false)

        let listed = try socket.addresses(index: bridge.index)
        #expect(listed.contains(InterfaceAddress(family: .ipv4, cidr: "10.231.1.1/24", index: bridge.index)))
        #expect(
            listed.contains(InterfaceAddress(family: .ipv6, cidr: "fd00:231:1::1/64", index: bridge.index)))
        #expect(listed.allSatisfy { $0.index == bridge.index })
        let ipBrief = try run("ip", "-4", "addr", "show", "dev", name).output
        #expect(ipBrief.contains("inet 10.231.1.1/24 brd 10.231.1.255"))

        try socket.deleteAddress("10.231.1.1/24", index: bridge.index)
        #expect(try !socket.addresses(index: bridge.index).contains { $0.cidr == "10.231.1.1/24" })
        #expect(throws: NetlinkError.self) { try socket.deleteAddress("10.231.1.1/24", index: bridge.index) }
    }

    @Test("adding the same address twice fails as already existing")
    func duplicateAddress() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let bridge = try socket.createBridge(name: uniqueName("dd"))
        defer { try? socket.deleteLink(index: bridge.index) }

        try socket.addAddress("10.231.2.1/24", index: bridge.index)
        let error = #expect(throws: NetlinkError.self) {
            try socket.addAddress("10.231.2.1/24", index: bridge.index)
        }
        #expect(error?.isAlreadyExists == true)
    }

    @Test("an address that is not an IP address is rejected before reaching the kernel")
    func malformedAddress() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let bridge = try socket.createBridge(name: uniqueName("ma"))
        defer { try? socket.deleteLink(index: bridge.index) }

        let error = #expect(throws: NetlinkError.self) {
            try socket.addAddress("10.231.300.1/24", index: bridge.index)
        }
        #expect(error?.operation.contains("10.231.300.1/24") == true)
    }
}
