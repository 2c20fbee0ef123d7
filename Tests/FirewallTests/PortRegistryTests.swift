import Testing

@testable import Firewall

@Suite("port registry")
struct PortRegistryTests {
    private func resolved(
        _ host: String?, _ port: UInt16, _ container: String = "10.0.0.2", _ proto: TransportProtocol = .tcp
    ) throws -> ResolvedBinding {
        try ResolvedBinding(
            PortBinding(hostIP: host, hostPort: port, containerIP: container, containerPort: 80, proto: proto)
        )
    }

    private func registry(with bindings: ResolvedBinding...) -> PortRegistry {
        var registry = PortRegistry()
        for binding in bindings { registry.insert(binding, bridge: "br0") }
        return registry
    }

    @Test("a port on every address conflicts with the same port on one address, both ways")
    func wildcardConflicts() throws {
        let wildcard = try resolved(nil, 8080)
        let specific = try resolved("192.0.2.1", 8080, "10.0.0.3")
        #expect(throws: FirewallError.portAlreadyAllocated(specific.binding)) {
            try registry(with: wildcard).newBindings([specific])
        }
        #expect(throws: FirewallError.portAlreadyAllocated(wildcard.binding)) {
            try registry(with: specific).newBindings([wildcard])
        }
    }

    @Test("the error names the host port as Docker users know it")
    func errorText() throws {
        let first = try resolved(nil, 8080)
        let second = try resolved("0.0.0.0", 8080, "10.0.0.3")
        #expect {
            try registry(with: first).newBindings([second])
        } throws: { error in
            "\(error)" == "host port 8080/tcp is already allocated"
        }
        let specific = try resolved("192.0.2.1", 53, "10.0.0.3", .udp)
        #expect(
            FirewallError.portAlreadyAllocated(specific.binding).description
                == "host port 192.0.2.1:53/udp is already allocated")
    }

    @Test("other host addresses, protocols and families are other ports")
    func distinctPortsDoNotConflict() throws {
        let taken = registry(with: try resolved("192.0.2.1", 8080))
        let others = [
            try resolved("192.0.2.2", 8080, "10.0.0.3"),
            try resolved(nil, 8080, "10.0.0.4", .udp),
            try resolved(nil, 8080, "fd00::2"),
            try resolved("192.0.2.1", 8081, "10.0.0.5"),
        ]
        #expect(try taken.newBindings(others) == others)
    }

    @Test("a binding already registered is not new, and not a conflict")
    func identicalBindingIsSkipped() throws {
        let binding = try resolved(nil, 8080)
        #expect(try registry(with: binding).newBindings([binding, binding]).isEmpty)
    }

    @Test("two bindings of one port in the same request conflict with each other")
    func conflictWithinRequest() throws {
        let first = try resolved(nil, 8080)
        let second = try resolved(nil, 8080, "10.0.0.3")
        #expect(throws: FirewallError.portAlreadyAllocated(second.binding)) {
            try PortRegistry().newBindings([first, second])
        }
    }

    @Test("removing a binding frees its port")
    func removeFrees() throws {
        let first = try resolved(nil, 8080)
        var registry = registry(with: first)
        registry.remove(first)
        let second = try resolved(nil, 8080, "10.0.0.3")
        #expect(try registry.newBindings([second]) == [second])
        #expect(registry.all.isEmpty)
    }
}
