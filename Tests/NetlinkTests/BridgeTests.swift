import Dispatch
import Netlink
import Synchronization
import Testing

@Suite("Bridges")
struct BridgeTests {
    @Test("a bridge is created with its MTU, MAC and alias, found by name and index, and deleted")
    func createFindDelete() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let name = uniqueName("br")
        let created = try socket.createBridge(
            name: name, mtu: 1400, mac: "02:00:5e:10:20:30", alias: "cnm test bridge", up: true)
        defer { try? socket.deleteLink(name: name) }

        #expect(created.name == name)
        #expect(created.kind == "bridge")
        #expect(created.mtu == 1400)
        #expect(created.mac == "02:00:5e:10:20:30")
        #expect(created.alias == "cnm test bridge")
        #expect(created.isUp)
        #expect(try socket.link(named: name) == created)
        #expect(try socket.link(index: created.index) == created)
        #expect(try socket.links().contains(created))

        try socket.deleteLink(name: name)
        #expect(try socket.link(named: name) == nil)
        #expect(try socket.link(index: created.index) == nil)
    }

    @Test("a bridge created with a device group is in that group from its create request, alias or not")
    func createdInGroup() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let group = UInt32.random(in: 0x1000...0xFFFF)
        let plain = try socket.createBridge(name: uniqueName("bg"), group: group)
        defer { try? socket.deleteLink(index: plain.index) }
        let marked = try socket.createBridge(name: uniqueName("bm"), alias: "cnm:test", group: group)
        defer { try? socket.deleteLink(index: marked.index) }
        let ungrouped = try socket.createBridge(name: uniqueName("bu"))
        defer { try? socket.deleteLink(index: ungrouped.index) }

        #expect(plain.group == group)
        #expect(plain.alias == nil)
        #expect(marked.group == group)
        #expect(marked.alias == "cnm:test")
        #expect(ungrouped.group == 0)
        let inGroup = try socket.links().filter { $0.group == group }.map(\.index)
        #expect(Set(inGroup) == [plain.index, marked.index])
        #expect(try run("ip", "-d", "link", "show", "dev", plain.name).output.contains("group \(group)"))
    }

    @Test("links can be brought down and up, renamed, and get a new MTU, MAC and alias")
    func changeAttributes() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let name = uniqueName("bc")
        let renamed = uniqueName("bd")
        let bridge = try socket.createBridge(name: name, up: true)
        defer {
            try? socket.deleteLink(index: bridge.index)
        }

        try socket.setDown(index: bridge.index)
        #expect(try socket.link(index: bridge.index)?.isUp == false)
        try socket.rename(index: bridge.index, to: renamed)
        try socket.setMTU(1280, index: bridge.index)
        try socket.setMAC("02:00:5e:00:00:07", index: bridge.index)
        try socket.setAlias("renamed", index: bridge.index)
        try socket.setUp(index: bridge.index)

        let changed = try #require(try socket.link(index: bridge.index))
        #expect(changed.name == renamed)
        #expect(changed.mtu == 1280)
        #expect(changed.mac == "02:00:5e:00:00:07")
        #expect(changed.alias == "renamed")
        #expect(changed.isUp)
        #expect(try socket.link(named: name) == nil)
    }

    @Test("a link enslaved with setMaster reports the bridge as master until released")
    func masterAndRelease() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let bridgeName = uniqueName("bm")
        let bridge = try socket.createBridge(name: bridgeName)
        defer { try? socket.deleteLink(index: bridge.index) }
        let host = try socket.createVethPair(hostName: uniqueName("bh"), peerName: uniqueName("bq"))
        defer { try? socket.deleteLink(index: host.index) }
        try socket.setMaster(bridge.index, index: host.index)
        #expect(try socket.link(index: host.index)?.masterIndex == bridge.index)
        try socket.setMaster(nil, index: host.index)
        #expect(try socket.link(index: host.index)?.masterIndex == nil)
    }

    @Test("one socket used from many threads at once answers every request")
    func concurrentUse() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let names = (0..<8).map { _ in uniqueName("cc") }
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: names.count) { item in
            do {
                let bridge = try socket.createBridge(name: names[item], up: true)
                try socket.addAddress("10.231.\(20 + item).1/24", index: bridge.index)
                let found = try socket.link(named: names[item])
                let addresses = try socket.addresses(index: bridge.index).filter { $0.family == .ipv4 }
                try socket.deleteLink(index: bridge.index)
                if found?.index != bridge.index || addresses.map(\.cidr) != ["10.231.\(20 + item).1/24"] {
                    failures.withLock {
                        $0.append("\(names[item]): \(String(describing: found)) \(addresses)")
                    }
                }
            } catch {
                failures.withLock { $0.append("\(names[item]): \(error)") }
            }
        }
        for name in names { try? socket.deleteLink(name: name) }
        #expect(failures.withLock { $0 } == [])
    }
}
