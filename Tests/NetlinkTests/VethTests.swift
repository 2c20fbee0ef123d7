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

    @Test(
        "a host end created without IPv6 link-local gets no fe80 address or route, while its peer gets one"
    )
    func hostEndWithoutLinkLocal() throws {
        try requirePrivateNetns()
        let host = try NetlinkSocket()
        let bridge = try host.createBridge(name: uniqueName("lb"), up: true)
        defer { try? host.deleteLink(index: bridge.index) }
        let namespaceName = uniqueName("ln")
        let namespace = try NetworkNamespace.create(name: namespaceName)
        defer { try? NetworkNamespace.delete(name: namespaceName) }

        let hostName = uniqueName("lh")
        let peerName = uniqueName("lp")
        let hostEnd = try host.createVethPair(
            hostName: hostName, peerName: peerName, peerNamespace: namespace, hostMasterIndex: bridge.index,
            hostUp: true, hostIPv6LinkLocal: false)
        defer { try? host.deleteLink(index: hostEnd.index) }
        #expect(hostEnd.alias == nil)
        let inside = try NetlinkSocket(in: namespace)
        let peer = try #require(try inside.link(named: peerName))
        try inside.setUp(index: peer.index)

        // Both ends get carrier (and the kernel its chance to add link-local addresses) only
        // now, through the link watcher; wait until the peer's address shows.
        let peerAddresses = try poll(
            { try run("ip", "-n", namespaceName, "-6", "addr", "show", "dev", peerName).output },
            until: { $0.contains("fe80::") })
        #expect(peerAddresses.contains("fe80::"), "the peer never got a link-local address: \(peerAddresses)")
        let hostAddresses = try run("ip", "-6", "addr", "show", "dev", hostName).output
        #expect(!hostAddresses.contains("fe80::"), "the host end has a link-local address: \(hostAddresses)")
        let hostRoutes = try run("ip", "-6", "route", "show", "table", "all", "dev", hostName).output
        #expect(!hostRoutes.contains("fe80::"), "the host end has link-local routes: \(hostRoutes)")
        #expect(try run("ip", "-d", "link", "show", "dev", hostName).output.contains("addrgenmode none"))
        #expect(try host.link(index: hostEnd.index)?.isUp == true)
    }

    @Test("a host end created by default keeps its IPv6 link-local address")
    func hostEndWithLinkLocalByDefault() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let hostName = uniqueName("dh")
        let peerName = uniqueName("dp")
        let hostEnd = try socket.createVethPair(hostName: hostName, peerName: peerName, hostUp: true)
        defer { try? socket.deleteLink(index: hostEnd.index) }
        let peer = try #require(try socket.link(named: peerName))
        try socket.setUp(index: peer.index)

        let hostAddresses = try poll(
            { try run("ip", "-6", "addr", "show", "dev", hostName).output }, until: { $0.contains("fe80::") })
        #expect(hostAddresses.contains("fe80::"), "the host end got no link-local address: \(hostAddresses)")
    }

    @Test("two namespaces on a bridge whose ports have no IPv6 link-local still reach each other over IPv6")
    func ipv6AcrossPortsWithoutLinkLocal() throws {
        try requirePrivateNetns()
        let host = try NetlinkSocket()
        let bridge = try host.createBridge(name: uniqueName("6b"), up: true)
        defer { try? host.deleteLink(index: bridge.index) }
        try host.addAddress("fd00:231:6::1/64", index: bridge.index, duplicateAddressDetection: false)

        var namespaces: [String] = []
        defer { for name in namespaces { try? NetworkNamespace.delete(name: name) } }
        for number in 2...3 {
            let namespaceName = uniqueName("6n")
            let namespace = try NetworkNamespace.create(name: namespaceName)
            namespaces.append(namespaceName)
            _ = try host.createVethPair(
                hostName: uniqueName("6h"), peerName: "eth0", peerNamespace: namespace,
                hostMasterIndex: bridge.index, hostUp: true, hostIPv6LinkLocal: false)
            let inside = try NetlinkSocket(in: namespace)
            let peer = try #require(try inside.link(named: "eth0"))
            try inside.addAddress(
                "fd00:231:6::\(number)/64", index: peer.index, duplicateAddressDetection: false)
            try inside.setUp(index: peer.index)
        }
        let toPeer = try run(
            "ip", "netns", "exec", namespaces[0], "ping", "-6", "-c1", "-W2", "fd00:231:6::3")
        #expect(toPeer.status == 0, "ping6 between the namespaces failed: \(toPeer.output)")
        let toBridge = try run(
            "ip", "netns", "exec", namespaces[1], "ping", "-6", "-c1", "-W2", "fd00:231:6::1")
        #expect(toBridge.status == 0, "ping6 from a namespace to the bridge failed: \(toBridge.output)")
        // ND and traffic crossed the bridge (L2) while its ports carry no IPv6 address at all.
        let ports = try host.links().filter { $0.masterIndex == bridge.index }
        #expect(ports.count == 2)
        for port in ports {
            #expect(!(try host.addresses(index: port.index).contains { $0.cidr.hasPrefix("fe80:") }))
        }
    }
}
