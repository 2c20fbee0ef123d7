import Foundation
import Netlink
import Testing

@Suite("Network namespaces")
struct NamespaceTests {
    @Test(
        "a named namespace is created under /run/netns, is a new namespace, and deleting it removes the entry"
    )
    func createAndDelete() throws {
        try requirePrivateNetns()
        let name = uniqueName("ns")
        let created = try NetworkNamespace.create(name: name)
        defer { try? NetworkNamespace.delete(name: name) }

        #expect(created.path == "/run/netns/\(name)")
        #expect(created.name == name)
        #expect(NetworkNamespace.exists(name: name))
        #expect(!created.isSame(as: NetworkNamespace.current))
        #expect(try NetworkNamespace.open(name: name).isSame(as: created))
        #expect(try NetworkNamespace.open(path: created.path).isSame(as: created))
        // iproute2 sees it and can run commands in it.
        #expect(try run("ip", "netns", "list").output.contains(name))
        #expect(try run("ip", "netns", "exec", name, "ip", "link", "show", "lo").status == 0)

        try NetworkNamespace.delete(name: name)
        #expect(!NetworkNamespace.exists(name: name))
        #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(name)"))
        #expect(try !run("ip", "netns", "list").output.contains(name))
    }

    @Test("creating a namespace whose name is taken fails as already existing")
    func duplicateName() throws {
        try requirePrivateNetns()
        let name = uniqueName("nd")
        _ = try NetworkNamespace.create(name: name)
        defer { try? NetworkNamespace.delete(name: name) }

        let error = try #require(
            #expect(throws: NetlinkError.self) { try NetworkNamespace.create(name: name) })
        #expect(error.isAlreadyExists)
    }

    @Test("deleting an unknown namespace fails as not found, and bad names are refused")
    func unknownAndInvalidNames() throws {
        try requirePrivateNetns()
        let missing = try #require(
            #expect(throws: NetlinkError.self) { try NetworkNamespace.delete(name: uniqueName("nx")) })
        #expect(missing.isNotFound)
        #expect(throws: NetlinkError.self) { try NetworkNamespace.create(name: "../etc") }
        #expect(throws: NetlinkError.self) { try NetworkNamespace.create(name: "") }
    }

    @Test("opening something that is not a network namespace is refused")
    func notANetworkNamespace() {
        #expect(throws: NetlinkError.self) { try NetworkNamespace.open(path: "/proc/self/ns/mnt") }
        #expect(throws: NetlinkError.self) { try NetworkNamespace.open(path: "/proc/self/status") }
        #expect(throws: NetlinkError.self) { try NetworkNamespace.open(path: "/nonexistent/netns") }
    }

    @Test("the process's namespace is the one its threads start in, opened by path or as current")
    func currentNamespace() throws {
        #expect(try NetworkNamespace.ofCurrentThread().isSame(as: NetworkNamespace.current))
        #expect(try NetworkNamespace.open(path: "/proc/self/ns/net").isSame(as: NetworkNamespace.current))
    }

    @Test("withNetns runs its body inside the namespace and returns the thread to where it was")
    func withNetnsRoundTrip() throws {
        try requirePrivateNetns()
        let name = uniqueName("wn")
        let namespace = try NetworkNamespace.create(name: name)
        defer { try? NetworkNamespace.delete(name: name) }
        let before = try NetworkNamespace.ofCurrentThread()

        let inside = try withNetns(namespace) { try NetworkNamespace.ofCurrentThread() }
        #expect(inside.isSame(as: namespace))
        #expect(try NetworkNamespace.ofCurrentThread().isSame(as: before))

        // Nested calls come back to the outer namespace, not to the process's.
        let other = try NetworkNamespace.create(name: name + "b")
        defer { try? NetworkNamespace.delete(name: name + "b") }
        let afterInner = try withNetns(namespace) {
            _ = try withNetns(other) { try NetworkNamespace.ofCurrentThread() }
            return try NetworkNamespace.ofCurrentThread()
        }
        #expect(afterInner.isSame(as: namespace))
        #expect(try NetworkNamespace.ofCurrentThread().isSame(as: before))
    }

    @Test("a socket opened in a namespace sees that namespace's links only")
    func socketIsBoundToItsNamespace() throws {
        try requirePrivateNetns()
        let name = uniqueName("sk")
        let namespace = try NetworkNamespace.create(name: name)
        defer { try? NetworkNamespace.delete(name: name) }
        let host = try NetlinkSocket()
        let inside = try NetlinkSocket(in: namespace)

        let hostBridge = try host.createBridge(name: uniqueName("hb"))
        defer { try? host.deleteLink(index: hostBridge.index) }
        let insideBridge = try inside.createBridge(name: uniqueName("ib"))

        #expect(try inside.links().map(\.name).sorted() == ["lo", insideBridge.name].sorted())
        #expect(try inside.link(named: hostBridge.name) == nil)
        #expect(try host.link(named: insideBridge.name) == nil)
        #expect(try run("ip", "netns", "exec", name, "ip", "link", "show", insideBridge.name).status == 0)
    }
}
