import Testing

@testable import Firewall

extension KernelTests {
    /// Real traffic between namespaces on bridges made for each test; the test's own namespace
    /// plays the host, and an `outside` namespace behind a veth plays the rest of the world.
    @Suite("traffic")
    struct TrafficTests {
        /// A firewall on a fresh `inet cnm` table, and an empty scenario.
        private func setUp() throws -> (Firewall, Scenario) {
            try requirePrivateNetns()
            let firewall = try Firewall()
            try firewall.removeAll()
            try firewall.install()
            return (firewall, Scenario())
        }

        @Test("sandboxes on different cnm bridges cannot reach each other; on one bridge they can")
        func bridgesAreIsolated() throws {
            let (firewall, scenario) = try setUp()
            defer {
                scenario.cleanup()
                try? firewall.removeAll()
            }
            try scenario.bridge("cnma", address: "10.78.1.1/24")
            try scenario.bridge("cnmb", address: "10.78.2.1/24")
            try scenario.sandbox("fwa1", bridge: "cnma", address: "10.78.1.2/24", gateway: "10.78.1.1")
            try scenario.sandbox("fwa2", bridge: "cnma", address: "10.78.1.3/24", gateway: "10.78.1.1")
            try scenario.sandbox("fwb1", bridge: "cnmb", address: "10.78.2.2/24", gateway: "10.78.2.1")
            #expect(
                try scenario.ping(from: "fwa1", "10.78.2.2"), "routed across bridges before any network rules"
            )

            try firewall.addNetwork(bridge: "cnma", subnets: ["10.78.1.0/24"])
            try firewall.addNetwork(bridge: "cnmb", subnets: ["10.78.2.0/24"])
            #expect(!(try scenario.ping(from: "fwa1", "10.78.2.2")))
            #expect(!(try scenario.ping(from: "fwb1", "10.78.1.2")))
            #expect(try scenario.ping(from: "fwa1", "10.78.1.3"))
            #expect(try scenario.ping(from: "fwa1", "10.78.1.1"))

            try firewall.removeNetwork(bridge: "cnma")
            try firewall.removeNetwork(bridge: "cnmb")
            #expect(try scenario.ping(from: "fwa1", "10.78.2.2"))
        }

        @Test("icc=false drops traffic between sandboxes of one bridge, not to the gateway")
        func iccOffSeparatesSandboxes() throws {
            let (firewall, scenario) = try setUp()
            defer {
                scenario.cleanup()
                try? firewall.removeAll()
            }
            try scenario.bridge("cnma", address: "10.78.1.1/24")
            try scenario.sandbox("fwa1", bridge: "cnma", address: "10.78.1.2/24", gateway: "10.78.1.1")
            try scenario.sandbox("fwa2", bridge: "cnma", address: "10.78.1.3/24", gateway: "10.78.1.1")

            try command("sysctl", "-qw", "net.bridge.bridge-nf-call-iptables=0")
            #expect(try scenario.ping(from: "fwa1", "10.78.1.3"))

            try firewall.addNetwork(bridge: "cnma", subnets: ["10.78.1.0/24"], icc: false)
            let bridgeNetfilter = try command("cat", "/proc/sys/net/bridge/bridge-nf-call-iptables")
            #expect(bridgeNetfilter.output.hasPrefix("1"), "icc=false hands bridged traffic to the IP hooks")
            #expect(!(try scenario.ping(from: "fwa1", "10.78.1.3")))
            #expect(try scenario.ping(from: "fwa1", "10.78.1.1"))

            try firewall.addNetwork(bridge: "cnma", subnets: ["10.78.1.0/24"], icc: true)
            #expect(try scenario.ping(from: "fwa1", "10.78.1.3"))
        }

        @Test("an internal network reaches nothing beyond its bridge, and nothing reaches it")
        func internalNetworkIsClosed() throws {
            let (firewall, scenario) = try setUp()
            defer {
                scenario.cleanup()
                try? firewall.removeAll()
            }
            try scenario.bridge("cnmi", address: "10.78.3.1/24")
            try scenario.sandbox("fwi1", bridge: "cnmi", address: "10.78.3.2/24", gateway: "10.78.3.1")
            try scenario.sandbox("fwi2", bridge: "cnmi", address: "10.78.3.3/24", gateway: "10.78.3.1")
            try scenario.outside(
                "fwext", hostAddress: "198.51.100.1/24", address: "198.51.100.2/24", routes: ["10.78.0.0/16"])
            #expect(try scenario.ping(from: "fwi1", "198.51.100.2"), "routed out before any network rules")

            try firewall.addNetwork(bridge: "cnmi", subnets: ["10.78.3.0/24"], internal: true)
            #expect(!(try scenario.ping(from: "fwi1", "198.51.100.2")))
            #expect(!(try scenario.ping(from: "fwext", "10.78.3.2")))
            #expect(try scenario.ping(from: "fwi1", "10.78.3.3"))
        }

        @Test("outbound traffic is masqueraded behind the host, and the outside cannot route into the subnet")
        func outboundIsMasqueraded() throws {
            let (firewall, scenario) = try setUp()
            defer {
                scenario.cleanup()
                try? firewall.removeAll()
            }
            try scenario.bridge("cnmm", address: "10.78.4.1/24")
            try scenario.sandbox("fwm1", bridge: "cnmm", address: "10.78.4.2/24", gateway: "10.78.4.1")
            try scenario.outside(
                "fwext", hostAddress: "198.51.100.1/24", address: "198.51.100.2/24", routes: ["10.78.0.0/16"])
            try scenario.server(in: "fwext", address: "198.51.100.2", port: 9000, tag: "ext")
            try scenario.server(in: "fwm1", address: "10.78.4.2", port: 9001, tag: "m1")
            #expect(try scenario.connect(from: "fwext", "10.78.4.2", 9001) == "m1 198.51.100.2")

            try firewall.addNetwork(bridge: "cnmm", subnets: ["10.78.4.0/24"], masquerade: true)
            #expect(try scenario.connect(from: "fwm1", "198.51.100.2", 9000) == "ext 198.51.100.1")
            #expect(try scenario.connect(from: "fwext", "10.78.4.2", 9001) == nil)

            try firewall.addNetwork(bridge: "cnmm", subnets: ["10.78.4.0/24"], masquerade: false)
            #expect(try scenario.connect(from: "fwm1", "198.51.100.2", 9000) == "ext 10.78.4.2")
        }

        @Test("a published port reaches its container from outside, from the host and from containers")
        func publishedPortIsReachable() throws {
            let (firewall, scenario) = try setUp()
            defer {
                scenario.cleanup()
                try? firewall.removeAll()
            }
            try scenario.bridge("cnmp", address: "10.78.5.1/24")
            try scenario.bridge("cnmq", address: "10.78.6.1/24")
            try scenario.sandbox("fwp1", bridge: "cnmp", address: "10.78.5.2/24", gateway: "10.78.5.1")
            try scenario.sandbox("fwp2", bridge: "cnmp", address: "10.78.5.3/24", gateway: "10.78.5.1")
            try scenario.sandbox("fwq1", bridge: "cnmq", address: "10.78.6.2/24", gateway: "10.78.6.1")
            try scenario.outside("fwext", hostAddress: "198.51.100.1/24", address: "198.51.100.2/24")
            try scenario.hairpin("fwp1")
            try scenario.server(in: "fwp1", address: "10.78.5.2", port: 8000, tag: "p1")
            try firewall.addNetwork(bridge: "cnmp", subnets: ["10.78.5.0/24"])
            try firewall.addNetwork(bridge: "cnmq", subnets: ["10.78.6.0/24"])
            #expect(try scenario.connect("10.78.5.1", 8080) == nil)

            let binding = PortBinding(hostPort: 8080, containerIP: "10.78.5.2", containerPort: 8000)
            try firewall.addPortBindings([binding], bridge: "cnmp")
            #expect(try scenario.connect(from: "fwext", "198.51.100.1", 8080) == "p1 198.51.100.2")
            #expect(try scenario.connect("198.51.100.1", 8080)?.hasPrefix("p1 ") == true)
            #expect(try scenario.connect("127.0.0.1", 8080)?.hasPrefix("p1 ") == true)
            #expect(try scenario.connect(from: "fwp2", "10.78.5.1", 8080) == "p1 10.78.5.1")
            #expect(try scenario.connect(from: "fwp1", "10.78.5.1", 8080) == "p1 10.78.5.1")
            #expect(try scenario.connect(from: "fwq1", "10.78.6.1", 8080)?.hasPrefix("p1 ") == true)
            #expect(
                try scenario.connect(from: "fwq1", "10.78.5.2", 8000) == nil,
                "only through the published port")

            try firewall.removePortBindings([binding])
            #expect(try scenario.connect(from: "fwext", "198.51.100.1", 8080) == nil)
            #expect(try scenario.connect("127.0.0.1", 8080) == nil)
        }

        @Test("a port published on one host address is reachable there only")
        func portOnOneAddress() throws {
            let (firewall, scenario) = try setUp()
            defer {
                scenario.cleanup()
                try? firewall.removeAll()
            }
            try scenario.bridge("cnmp", address: "10.78.5.1/24")
            try scenario.sandbox("fwp1", bridge: "cnmp", address: "10.78.5.2/24", gateway: "10.78.5.1")
            try scenario.outside("fwext", hostAddress: "198.51.100.1/24", address: "198.51.100.2/24")
            try scenario.server(in: "fwp1", address: "10.78.5.2", port: 8000, tag: "p1")
            try firewall.addNetwork(bridge: "cnmp", subnets: ["10.78.5.0/24"])
            try firewall.addPortBindings(
                [
                    PortBinding(
                        hostIP: "198.51.100.1", hostPort: 8081, containerIP: "10.78.5.2", containerPort: 8000)
                ],
                bridge: "cnmp")
            #expect(try scenario.connect(from: "fwext", "198.51.100.1", 8081) == "p1 198.51.100.2")
            #expect(try scenario.connect("10.78.5.1", 8081) == nil)
        }

        @Test("a port published over IPv6 reaches its container")
        func publishedIPv6Port() throws {
            let (firewall, scenario) = try setUp()
            defer {
                scenario.cleanup()
                try? firewall.removeAll()
            }
            try firewall.install(ipv6Forwarding: true)
            try scenario.bridge("cnmp", address: "fd78:5::1/64")
            try scenario.sandbox("fwp1", bridge: "cnmp", address: "fd78:5::2/64", gateway: "fd78:5::1")
            try scenario.outside(
                "fwext", hostAddress: "2001:db8:78::1/64", address: "2001:db8:78::2/64",
                routes: ["fd78:5::/64"])
            try scenario.server(in: "fwp1", address: "fd78:5::2", port: 8000, tag: "p1")
            try firewall.addNetwork(bridge: "cnmp", subnets: ["fd78:5::/64"])
            try firewall.addPortBindings(
                [PortBinding(hostPort: 8080, containerIP: "fd78:5::2", containerPort: 8000)], bridge: "cnmp")
            #expect(try scenario.connect(from: "fwext", "2001:db8:78::1", 8080) == "p1 2001:db8:78::2")
            #expect(try scenario.connect(from: "fwext", "fd78:5::2", 8000) == nil)
        }
    }
}
