import Netlink
import Testing

@Suite("Dumps")
struct DumpTests {
    @Test("a dump of 600 links returns every one of them, as ip link lists them, with their groups")
    func manyLinks() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let group = UInt32.random(in: 0x1000...0xFFFF)
        defer { try? socket.deleteLinks(group: group) }
        let tag = uniqueName("m").suffix(5)
        var names: Set<String> = []
        var hostNames: [String] = []
        for number in 0..<300 {
            let host = "nltm\(tag)h\(number)"
            let peer = "nltm\(tag)p\(number)"
            _ = try socket.createVethPair(hostName: host, peerName: peer, group: group)
            names.formUnion([host, peer])
            hostNames.append(host)
        }

        let links = try socket.links()
        let dumped = Set(links.map(\.name))
        #expect(dumped.isSuperset(of: names), "missing: \(names.subtracting(dumped).sorted().prefix(10))")
        #expect(links.count == dumped.count)
        // Other tests add and remove links meanwhile: compare only this test's own.
        // Lines that are not "N: NAME: …" (a link vanishing mid-listing) are skipped.
        let listed = try run("ip", "-o", "link", "show").output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ":")
            return fields.count > 1
                ? fields[1].trimmingCharacters(in: .whitespaces).split(separator: "@").first.map(String.init)
                : nil
        }
        #expect(Set(listed).intersection(names) == names)
        #expect(
            links.filter { $0.group == group }.map(\.name).sorted()
                == hostNames.sorted())
    }

    @Test("a dump of 500 addresses on one bridge returns every one of them")
    func manyAddresses() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let bridge = try socket.createBridge(name: uniqueName("ma"))
        defer { try? socket.deleteLink(index: bridge.index) }
        var expected: Set<String> = []
        for number in 0..<500 {
            let cidr = "10.233.\(number / 250).\(number % 250 + 1)/16"
            try socket.addAddress(cidr, index: bridge.index)
            expected.insert(cidr)
        }

        let dumped = try socket.addresses(index: bridge.index).filter { $0.family == .ipv4 }.map(\.cidr)
        #expect(Set(dumped) == expected)
        #expect(dumped.count == 500)
    }
}
