import Foundation
import Netlink
import Testing

@Suite("Routes")
struct RouteTests {
    @Test("a route added through a link is listed in the main table with its gateway, then deleted")
    func addListDelete() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let bridge = try socket.createBridge(name: uniqueName("rt"), up: true)
        defer { try? socket.deleteLink(index: bridge.index) }
        try socket.addAddress("10.231.3.1/24", index: bridge.index)

        try socket.addRoute(destination: "10.232.0.0/16", gateway: "10.231.3.254", index: bridge.index)
        let expected = Route(
            family: .ipv4, destination: "10.232.0.0/16", gateway: "10.231.3.254", outputIndex: bridge.index)
        let routes = try socket.routes(family: .ipv4)
        #expect(routes.contains(expected))
        // The connected route of the address is listed too (no gateway, same interface).
        #expect(routes.contains { $0.destination == "10.231.3.0/24" && $0.outputIndex == bridge.index })
        #expect(routes.allSatisfy { $0.family == .ipv4 })

        try socket.deleteRoute(destination: "10.232.0.0/16", gateway: "10.231.3.254", index: bridge.index)
        #expect(try !socket.routes(family: .ipv4).contains(expected))
    }

    @Test("a route that ip route add made (protocol boot, not static) is deleted too")
    func deleteForeignDefaultRoute() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let name = uniqueName("rd")
        let bridge = try socket.createBridge(name: name, up: true)
        defer { try? socket.deleteLink(index: bridge.index) }
        try socket.addAddress("10.231.4.1/24", index: bridge.index)
        // Only our own namespace is touched: requirePrivateNetns made sure of that.
        let added = Process()
        added.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        added.arguments = ["route", "add", "10.233.0.0/16", "via", "10.231.4.254", "dev", name]
        try added.run()
        added.waitUntilExit()
        #expect(added.terminationStatus == 0)
        let expected = Route(
            family: .ipv4, destination: "10.233.0.0/16", gateway: "10.231.4.254", outputIndex: bridge.index)
        #expect(try socket.routes(family: .ipv4).contains(expected))
        try socket.deleteRoute(destination: "10.233.0.0/16", gateway: "10.231.4.254", index: bridge.index)
        #expect(try !socket.routes(family: .ipv4).contains(expected))
    }

    @Test("an IPv6 route is listed under the IPv6 family only")
    func ipv6Route() throws {
        try requirePrivateNetns()
        let socket = try NetlinkSocket()
        let bridge = try socket.createBridge(name: uniqueName("r6"), up: true)
        defer { try? socket.deleteLink(index: bridge.index) }

        try socket.addRoute(destination: "fd00:232::/48", index: bridge.index)
        let route = Route(
            family: .ipv6, destination: "fd00:232::/48", gateway: nil, outputIndex: bridge.index)
        #expect(try socket.routes(family: .ipv6).contains(route))
        #expect(try !socket.routes(family: .ipv4).contains { $0.destination == "fd00:232::/48" })
        #expect(try socket.routes().contains(route))
    }
}
