import Testing

@testable import Firewall

extension KernelTests {
    @Suite("rule base, sets and maps")
    struct RulesetTests {
        /// A firewall on a fresh, installed `inet cnm` table.
        private func installedFirewall() throws -> Firewall {
            try requirePrivateNetns()
            let firewall = try Firewall()
            try firewall.removeAll()
            try firewall.install()
            return firewall
        }

        @Test("install creates inet cnm with its rule base and leaves another table byte-identical")
        func installTouchesOnlyItsTable() throws {
            try requirePrivateNetns()
            let context = try NFTContext()
            try context.run(
                """
                add table inet other
                add set inet other keep { type ipv4_addr; elements = { 192.0.2.7 } }
                add chain inet other input { type filter hook input priority 10; policy accept; }
                add rule inet other input ip saddr @keep counter accept
                add chain inet other forward { type filter hook forward priority 5; policy accept; }
                add rule inet other forward iifname "x0" drop
                """)
            defer { _ = try? context.run("delete table inet other") }
            let before = try context.run("list table inet other")

            let firewall = Firewall(context: context)
            try firewall.removeAll()
            try firewall.install()
            try firewall.install()
            try firewall.addNetwork(bridge: "cnmt0", subnets: ["10.77.0.0/24"], internal: true)
            let elements = try firewall.listElements()
            #expect(elements.ruleCount == FirewallRuleset.ruleCount)
            #expect(elements.bridges == ["cnmt0"])
            try firewall.removeAll()

            #expect(try context.run("list table inet other") == before)
            let tables = try context.run("list tables")
            #expect(tables.contains("table inet other"))
            #expect(!tables.contains("table inet cnm"))
        }

        @Test("adding networks adds set elements and never rules, one transaction each")
        func networksAreElements() throws {
            let firewall = try installedFirewall()
            defer { try? firewall.removeAll() }
            let scenario = Scenario()
            defer { scenario.cleanup() }
            try scenario.bridge("cnmt1")
            let rulesBefore = try firewall.listElements().ruleCount
            let transactionsBefore = firewall.transactionCount

            try firewall.addNetwork(
                bridge: "cnmt1", subnets: ["10.77.1.0/24", "fd77:1::/64"], internal: false, icc: true,
                masquerade: true)
            try firewall.addNetwork(
                bridge: "cnmt2", subnets: ["10.77.2.9/24"], internal: true, icc: false, masquerade: true)
            #expect(firewall.transactionCount - transactionsBefore == 2)

            let elements = try firewall.listElements()
            #expect(elements.ruleCount == rulesBefore)
            #expect(elements.bridges == ["cnmt1", "cnmt2"])
            #expect(elements.internalBridges == ["cnmt2"])
            #expect(elements.iccOffBridges == ["cnmt2"])
            #expect(
                elements.subnets == ["cnmt1": ["10.77.1.0/24", "fd77:1::/64"], "cnmt2": ["10.77.2.0/24"]])
            #expect(elements.masqueradedBridges == ["cnmt1"], "internal networks never masquerade")
        }

        @Test("adding a network again with the same settings runs no transaction; new settings replace it")
        func addNetworkIsIdempotent() throws {
            let firewall = try installedFirewall()
            defer { try? firewall.removeAll() }
            try firewall.addNetwork(bridge: "cnmt1", subnets: ["10.77.1.0/24"], internal: true)
            let transactions = firewall.transactionCount
            try firewall.addNetwork(bridge: "cnmt1", subnets: ["10.77.1.0/24"], internal: true)
            #expect(firewall.transactionCount == transactions)

            try firewall.addNetwork(bridge: "cnmt1", subnets: ["10.77.3.0/24"], internal: true, icc: false)
            #expect(firewall.transactionCount == transactions + 1)
            let elements = try firewall.listElements()
            #expect(elements.subnets == ["cnmt1": ["10.77.3.0/24"]])
            #expect(elements.iccOffBridges == ["cnmt1"])
            #expect(elements.masqueradedBridges.isEmpty)
        }

        @Test("removing every network leaves no element, ports included")
        func removingLeavesNothing() throws {
            let firewall = try installedFirewall()
            defer { try? firewall.removeAll() }
            let scenario = Scenario()
            defer { scenario.cleanup() }
            try scenario.bridge("cnmt1")
            try scenario.bridge("cnmt2")
            try firewall.addNetwork(bridge: "cnmt1", subnets: ["10.77.1.0/24", "fd77:1::/64"])
            try firewall.addNetwork(bridge: "cnmt2", subnets: ["10.77.2.0/24"], icc: false)
            try firewall.addPortBindings(
                [
                    PortBinding(hostPort: 8080, containerIP: "10.77.1.2", containerPort: 80),
                    PortBinding(hostPort: 8080, containerIP: "fd77:1::2", containerPort: 80),
                ], bridge: "cnmt1")
            try firewall.addPortBindings(
                [
                    PortBinding(
                        hostIP: "192.0.2.1", hostPort: 53, containerIP: "10.77.2.2", containerPort: 53,
                        proto: .udp)
                ],
                bridge: "cnmt2")
            #expect(try firewall.listElements().elementCount > 0)

            let transactions = firewall.transactionCount
            try firewall.removeNetwork(bridge: "cnmt1")
            try firewall.removeNetwork(bridge: "cnmt2")
            try firewall.removeNetwork(bridge: "cnmt2")
            #expect(firewall.transactionCount == transactions + 2)
            let elements = try firewall.listElements()
            #expect(elements.isEmpty)
            #expect(elements.ruleCount == FirewallRuleset.ruleCount)
            #expect(firewall.networks.isEmpty)
        }

        @Test("published ports become DNAT map entries and go away when unpublished")
        func portsAreMapEntries() throws {
            let firewall = try installedFirewall()
            defer { try? firewall.removeAll() }
            let scenario = Scenario()
            defer { scenario.cleanup() }
            try scenario.bridge("cnmt1")
            try firewall.addNetwork(bridge: "cnmt1", subnets: ["10.77.1.0/24", "fd77:1::/64"])
            let bindings = [
                PortBinding(hostIP: "0.0.0.0", hostPort: 8080, containerIP: "10.77.1.2", containerPort: 80),
                PortBinding(
                    hostIP: "192.0.2.1", hostPort: 8443, containerIP: "10.77.1.2", containerPort: 443),
                PortBinding(hostPort: 5353, containerIP: "10.77.1.3", containerPort: 53, proto: .udp),
                PortBinding(hostIP: "::", hostPort: 8080, containerIP: "fd77:1:0::2", containerPort: 80),
                PortBinding(
                    hostIP: "2001:db8::1", hostPort: 9000, containerIP: "fd77:1::3", containerPort: 9,
                    proto: .sctp),
            ]
            var transactions = firewall.transactionCount
            try firewall.addPortBindings(bindings, bridge: "cnmt1")
            #expect(firewall.transactionCount == transactions + 1)

            let canonical: Set = [
                PortBinding(hostPort: 8080, containerIP: "10.77.1.2", containerPort: 80),
                PortBinding(
                    hostIP: "192.0.2.1", hostPort: 8443, containerIP: "10.77.1.2", containerPort: 443),
                PortBinding(hostPort: 5353, containerIP: "10.77.1.3", containerPort: 53, proto: .udp),
                PortBinding(hostPort: 8080, containerIP: "fd77:1::2", containerPort: 80),
                PortBinding(
                    hostIP: "2001:db8::1", hostPort: 9000, containerIP: "fd77:1::3", containerPort: 9,
                    proto: .sctp),
            ]
            #expect(try firewall.listElements().portBindings == canonical)
            #expect(Set(firewall.portBindings(bridge: "cnmt1")) == canonical)

            transactions = firewall.transactionCount
            try firewall.addPortBindings(bindings, bridge: "cnmt1")
            #expect(firewall.transactionCount == transactions, "already published: nothing to do")

            try firewall.removePortBindings(Array(bindings.prefix(2)))
            #expect(firewall.transactionCount == transactions + 1)
            let remaining = canonical.filter { $0.containerIP != "10.77.1.2" }
            #expect(try firewall.listElements().portBindings == remaining)

            transactions = firewall.transactionCount
            try firewall.removePortBindings(bindings)
            #expect(firewall.transactionCount == transactions + 1)
            #expect(try firewall.listElements().portBindings.isEmpty)
        }

        @Test("binding a taken host port fails with an error naming the port, and changes nothing")
        func takenPortIsRefused() throws {
            let firewall = try installedFirewall()
            defer { try? firewall.removeAll() }
            let scenario = Scenario()
            defer { scenario.cleanup() }
            try scenario.bridge("cnmt1")
            try scenario.bridge("cnmt2")
            try firewall.addNetwork(bridge: "cnmt1", subnets: ["10.77.1.0/24"])
            try firewall.addNetwork(bridge: "cnmt2", subnets: ["10.77.2.0/24"])
            try firewall.addPortBindings(
                [PortBinding(hostPort: 8080, containerIP: "10.77.1.2", containerPort: 80)], bridge: "cnmt1")
            let before = try firewall.listElements()
            let transactions = firewall.transactionCount

            #expect {
                try firewall.addPortBindings(
                    [
                        PortBinding(hostPort: 9090, containerIP: "10.77.2.2", containerPort: 90),
                        PortBinding(hostPort: 8080, containerIP: "10.77.2.2", containerPort: 80),
                    ], bridge: "cnmt2")
            } throws: { error in
                "\(error)" == "host port 8080/tcp is already allocated"
            }
            #expect(
                throws: FirewallError.portAlreadyAllocated(
                    PortBinding(
                        hostIP: "10.77.2.1", hostPort: 8080, containerIP: "10.77.2.3", containerPort: 80))
            ) {
                try firewall.addPortBindings(
                    [
                        PortBinding(
                            hostIP: "10.77.2.1", hostPort: 8080, containerIP: "10.77.2.3", containerPort: 80)
                    ],
                    bridge: "cnmt2")
            }
            #expect(firewall.transactionCount == transactions)
            #expect(try firewall.listElements() == before)

            // Another protocol or family is another port.
            try firewall.addPortBindings(
                [PortBinding(hostPort: 8080, containerIP: "10.77.2.2", containerPort: 80, proto: .udp)],
                bridge: "cnmt2")
            // Once unpublished, the port is free again.
            try firewall.removeNetwork(bridge: "cnmt1")
            try firewall.addPortBindings(
                [PortBinding(hostPort: 8080, containerIP: "10.77.2.2", containerPort: 80)], bridge: "cnmt2")
        }

        @Test("ports on an unknown or internal network, or outside the network, are refused")
        func portsNeedTheirNetwork() throws {
            let firewall = try installedFirewall()
            defer { try? firewall.removeAll() }
            try firewall.addNetwork(bridge: "cnmt1", subnets: ["10.77.1.0/24"], internal: true)
            let binding = PortBinding(hostPort: 8080, containerIP: "10.77.1.2", containerPort: 80)
            #expect(throws: FirewallError.unknownNetwork(bridge: "cnmt9")) {
                try firewall.addPortBindings([binding], bridge: "cnmt9")
            }
            #expect(throws: FirewallError.internalNetwork(bridge: "cnmt1")) {
                try firewall.addPortBindings([binding], bridge: "cnmt1")
            }
            let scenario = Scenario()
            defer { scenario.cleanup() }
            try scenario.bridge("cnmt2")
            try firewall.addNetwork(bridge: "cnmt2", subnets: ["10.77.2.0/24"])
            #expect(throws: FirewallError.addressOutsideNetwork(binding, bridge: "cnmt2")) {
                try firewall.addPortBindings([binding], bridge: "cnmt2")
            }
        }

        @Test("removeAll deletes the cnm table, and install builds it again")
        func removeAllDeletesTable() throws {
            let firewall = try installedFirewall()
            try firewall.addNetwork(bridge: "cnmt1", subnets: ["10.77.1.0/24"], internal: true)
            try firewall.removeAll()
            let context = try NFTContext()
            #expect(!(try context.run("list tables")).contains("inet cnm"))
            #expect(firewall.networks.isEmpty)
            try firewall.removeAll()

            try firewall.install()
            let elements = try firewall.listElements()
            #expect(elements.isEmpty)
            #expect(elements.ruleCount == FirewallRuleset.ruleCount)
            try firewall.removeAll()
        }

        @Test("install after a restart takes over the networks and ports found in the kernel")
        func installTakesOverKernelState() throws {
            let first = try installedFirewall()
            defer { try? first.removeAll() }
            let scenario = Scenario()
            defer { scenario.cleanup() }
            try scenario.bridge("cnmt1")
            try first.addNetwork(bridge: "cnmt1", subnets: ["10.77.1.0/24", "fd77:1::/64"], icc: false)
            try first.addNetwork(bridge: "cnmt2", subnets: ["10.77.2.0/24"], internal: true)
            let binding = PortBinding(hostPort: 8080, containerIP: "10.77.1.2", containerPort: 80)
            try first.addPortBindings([binding], bridge: "cnmt1")

            let second = try Firewall()
            try second.install()
            #expect(second.networks == first.networks)
            #expect(second.portBindings(bridge: "cnmt1") == [binding])
            let taken = PortBinding(hostPort: 8080, containerIP: "10.77.1.3", containerPort: 80)
            #expect(throws: FirewallError.portAlreadyAllocated(taken)) {
                try second.addPortBindings([binding, taken], bridge: "cnmt1")
            }
            try second.removeNetwork(bridge: "cnmt1")
            try second.removeNetwork(bridge: "cnmt2")
            #expect(try second.listElements().isEmpty)
        }

        @Test("install replaces a cnm table whose definitions are out of date or that has extra chains")
        func installReplacesOutdatedTable() throws {
            try requirePrivateNetns()
            let context = try NFTContext()
            let firewall = Firewall(context: context)
            defer { try? firewall.removeAll() }
            let outdated = [
                """
                add table inet cnm
                add set inet cnm cnm_bridges { type ipv4_addr; elements = { 192.0.2.9 } }
                add chain inet cnm forward { type filter hook forward priority 100; }
                """,
                """
                add table inet cnm
                add set inet cnm cnm_old { type ifname; elements = { "br9" } }
                add chain inet cnm old_forward { type filter hook forward priority 0; policy drop; }
                """,
            ]
            for script in outdated {
                try firewall.removeAll()
                try context.run(script)
                try firewall.install()
                let elements = try firewall.listElements()
                #expect(elements.isEmpty)
                #expect(FirewallRuleset.matches(elements))
                #expect(!elements.chainNames.contains("old_forward"))
            }
        }
    }
}
