import Glibc
import Netlink
import Testing

@Suite("Errors")
struct ErrorTests {
    @Test("creating a bridge twice fails as already existing, naming the operation and the errno")
    func duplicateBridge() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let name = uniqueName("dup")
        _ = try socket.createBridge(name: name)
        defer { try? socket.deleteLink(name: name) }

        let error = try #require(#expect(throws: NetlinkError.self) { try socket.createBridge(name: name) })
        #expect(error.isAlreadyExists)
        #expect(!error.isNotFound)
        #expect(error.errno == EEXIST)
        #expect(error.description.hasPrefix("rtnl_link_add bridge \(name): File exists (errno 17)"))
    }

    @Test("a route via an unreachable gateway fails with the kernel's errno and extended-ACK text")
    func kernelMessage() throws {
        try requirePrivateNetns()
        let namespaceName = uniqueName("ea")
        let namespace = try NetworkNamespace.create(name: namespaceName)
        defer { try? NetworkNamespace.delete(name: namespaceName) }
        let socket = try NetlinkSocket(in: namespace)
        let loopback = try #require(try socket.link(named: "lo"))

        let error = try #require(
            #expect(throws: NetlinkError.self) {
                try socket.addRoute(gateway: "10.231.9.1", index: loopback.index)
            })
        #expect(error.errno == ENETUNREACH)
        let message = try #require(error.kernelMessage)
        #expect(!message.isEmpty)
        #expect(error.description.contains("extack: \(message)"))
    }

    @Test("deleting a link that does not exist fails as not found")
    func missingLink() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let error = try #require(
            #expect(throws: NetlinkError.self) { try socket.deleteLink(name: uniqueName("none")) })
        #expect(error.isNotFound)
        #expect(try socket.link(named: uniqueName("none")) == nil)
    }

    @Test("a description spells out operation, errno text, and kernel message")
    func descriptionFormat() {
        let error = NetlinkError(
            operation: "rtnl_link_add veth1234", code: 6, errno: EEXIST, kernelMessage: "name taken")
        #expect(error.description == "rtnl_link_add veth1234: File exists (errno 17); extack: name taken")
        let libnlOnly = NetlinkError(operation: "parse address \"x\"", code: 7)
        #expect(libnlOnly.description.hasPrefix("parse address \"x\": "))
        #expect(libnlOnly.description.hasSuffix("(NLE 7)"))
    }
}
