import Netlink
import Testing

@Suite("Veth pairs")
struct VethTests {
    @Test("a fused veth puts the peer inside the namespace and the host end on the bridge, and ping works")
    func fusedAttachAndPing() throws {
        try requirePrivateNetns()
        let host = try NetlinkSocket()
        let bridge = try host.createBridge(name: uniqueName("vb"), up: true)
        defer { try? host.deleteLink(index: bridge.index) }
        try host.addAddress("10.231.4.1/24", index: bridge.index)
        let namespaceName = uniqueName("vn")
        let namespace = try NetworkNamespace.create(name: namespaceName)
        defer { try? NetworkNamespace.delete(name: namespaceName) }

        let hostName = uniqueName("vh")
        let peerName = uniqueName("vp")
        let hostEnd = try host.createVethPair(
            hostName: hostName, peerName: peerName, peerNamespace: namespace, hostMasterIndex: bridge.index,
            hostUp: true, hostAlias: "endpoint 1", group: 0x5C5C, peerMAC: "02:42:0a:e7:04:02", mtu: 1450)
        defer { try? host.deleteLink(index: hostEnd.index) }

        #expect(hostEnd.name == hostName)
        #expect(hostEnd.kind == "veth")
        #expect(hostEnd.masterIndex == bridge.index)
        #expect(hostEnd.isUp)
        #expect(hostEnd.alias == "endpoint 1")
        #expect(hostEnd.group == 0x5C5C)
        #expect(hostEnd.mtu == 1450)
        #expect(try host.link(named: peerName) == nil)

        let inside = try NetlinkSocket(in: namespace)
        let peer = try #require(try inside.link(named: peerName))
        #expect(peer.kind == "veth")
        #expect(!peer.isUp)
        #expect(peer.mac == "02:42:0a:e7:04:02")
        #expect(peer.mtu == 1450)

        try inside.setUp(index: peer.index)
        try inside.addAddress("10.231.4.2/24", index: peer.index)
        try inside.addRoute(gateway: "10.231.4.1", index: peer.index)
        #expect(
            try inside.routes(family: .ipv4).contains(
                Route(family: .ipv4, destination: "0.0.0.0/0", gateway: "10.231.4.1", outputIndex: peer.index)
            ))

        let ping = try run("ip", "netns", "exec", namespaceName, "ping", "-c1", "-W1", "10.231.4.1")
        #expect(ping.status == 0, "ping from the namespace to the bridge address failed: \(ping.output)")
    }

    @Test("deleting a device group removes all its veths at once and leaves other links alone")
    func deleteByGroup() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let group = UInt32.random(in: 0x1000...0xFFFF)
        let names = (0..<3).map { _ in uniqueName("g") }
        for name in names {
            _ = try socket.createVethPair(hostName: name, peerName: name + "p", group: group)
        }
        let bystander = try socket.createVethPair(hostName: uniqueName("gb"), peerName: uniqueName("gq"))
        defer {
            try? socket.deleteLink(index: bystander.index)
            for name in names { try? socket.deleteLink(name: name) }
        }
        #expect(try socket.links().filter { $0.group == group }.count == 3)

        try socket.deleteLinks(group: group)

        #expect(try socket.links().filter { $0.group == group }.isEmpty)
        for name in names {
            #expect(try socket.link(named: name) == nil)
            #expect(try socket.link(named: name + "p") == nil)
        }
        #expect(try socket.link(index: bystander.index) != nil)
        // An empty group is nothing to do; group 0 (every device's default) is refused.
        try socket.deleteLinks(group: group)
        #expect(throws: NetlinkError.self) { try socket.deleteLinks(group: 0) }
        #expect(try socket.link(index: bystander.index) != nil)
    }
}
