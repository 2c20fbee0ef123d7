import Testing

@testable import Firewall

@Suite("validation of what goes into nft scripts")
struct ValidationTests {
    @Test("host address 0.0.0.0 or :: means every address; addresses are made canonical")
    func canonicalBindings() throws {
        let v4 = try ResolvedBinding(
            PortBinding(hostIP: "0.0.0.0", hostPort: 80, containerIP: "10.0.0.2", containerPort: 80))
        #expect(v4.host == nil)
        let v6 = try ResolvedBinding(
            PortBinding(hostIP: "2001:0db8:0::1", hostPort: 80, containerIP: "fd00:0::2", containerPort: 80))
        #expect(
            v6.binding
                == PortBinding(hostIP: "2001:db8::1", hostPort: 80, containerIP: "fd00::2", containerPort: 80)
        )
        #expect(
            try ResolvedBinding(
                PortBinding(hostIP: "::", hostPort: 80, containerIP: "fd00::2", containerPort: 80)
            ).host == nil)
    }

    @Test("bindings with bad addresses, mixed families or port 0 are refused")
    func badBindings() {
        let badHost = PortBinding(
            hostIP: "10.0.0.300", hostPort: 80, containerIP: "10.0.0.2", containerPort: 80)
        #expect(throws: FirewallError.invalidAddress(field: "host address", value: "10.0.0.300")) {
            try ResolvedBinding(badHost)
        }
        let injected = PortBinding(hostPort: 80, containerIP: "10.0.0.2 } ; flush ruleset", containerPort: 80)
        #expect(throws: FirewallError.invalidAddress(field: "container address", value: injected.containerIP))
        {
            try ResolvedBinding(injected)
        }
        let mixed = PortBinding(hostIP: "192.0.2.1", hostPort: 80, containerIP: "fd00::2", containerPort: 80)
        #expect(throws: FirewallError.familyMismatch(mixed)) { try ResolvedBinding(mixed) }
        let zero = PortBinding(hostPort: 0, containerIP: "10.0.0.2", containerPort: 80)
        #expect(throws: FirewallError.invalidPort(zero)) { try ResolvedBinding(zero) }
    }

    @Test("bridge names that nft could misread are refused")
    func bridgeNames() throws {
        for name in ["br-0123456789a", "docker0", "cnm_1.x"] {
            #expect(throws: Never.self) { try ResolvedNetwork.checkBridgeName(name) }
        }
        for name in ["", "br-0123456789abc", "br\"0", "br*", "br 0", "a/b", "..", "brü"] {
            #expect(throws: FirewallError.invalidBridgeName(name)) {
                try ResolvedNetwork.checkBridgeName(name)
            }
        }
    }

    @Test("subnets lose their host bits; bad subnets are refused")
    func subnets() throws {
        let network = try ResolvedNetwork(
            FirewallNetwork(
                bridge: "br0", subnets: ["10.1.2.3/23", "fd00:1:2:3::9/60", "10.1.2.0/23"], isInternal: false,
                icc: true, masquerade: true))
        #expect(network.network.subnets == ["10.1.2.0/23", "fd00:1:2::/60"])
        #expect(throws: FirewallError.invalidAddress(field: "subnet", value: "10.1.0.0/33")) {
            try ResolvedNetwork(
                FirewallNetwork(
                    bridge: "br0", subnets: ["10.1.0.0/33"], isInternal: false, icc: true, masquerade: true))
        }
    }

    @Test("a network's elements and a port's map entry are rendered as one command per set")
    func elementScript() throws {
        let network = try ResolvedNetwork(
            FirewallNetwork(
                bridge: "br0", subnets: ["10.1.0.0/24", "10.2.0.0/24"], isInternal: false, icc: false,
                masquerade: true))
        var script = ElementScript()
        script.add(network)
        script.add(
            try ResolvedBinding(
                PortBinding(hostIP: "fd00::1", hostPort: 80, containerIP: "fd00::2", containerPort: 8080)))
        #expect(
            script.text == """
                add element inet cnm cnm_bridges { "br0" }
                add element inet cnm cnm_bridge_pairs { "br0" . "br0" }
                add element inet cnm cnm_icc_off { "br0" }
                add element inet cnm cnm_masq { "br0" }
                add element inet cnm cnm_nets4 { "br0" . 10.1.0.0/24, "br0" . 10.2.0.0/24 }
                add element inet cnm cnm_dnat6 { fd00::1 . tcp . 80 : fd00::2 . 8080 }

                """)
    }
}
