import Testing

@testable import IPAM

@Suite("IPAM configuration requests")
struct IPAMConfigRequestTests {
    private func messages(_ request: IPAMConfigRequest) -> [String] { request.problems.map(\.message) }

    @Test("a complete, consistent entry validates to parsed values")
    func valid() throws {
        let config = try IPAMConfigRequest(
            subnet: "172.28.0.0/16", ipRange: "172.28.5.0/24", gateway: "172.28.5.254",
            auxAddresses: ["host1": "172.28.1.5"]
        ).validated()
        #expect(config.subnet == IPSubnet("172.28.0.0/16"))
        #expect(config.ipRange == IPSubnet("172.28.5.0/24"))
        #expect(config.gateway == IPAddress("172.28.5.254"))
        #expect(config.auxAddresses == ["host1": IPAddress("172.28.1.5")!])
    }

    @Test("an empty entry asks for a subnet from the pools")
    func empty() throws {
        #expect(try IPAMConfigRequest().validated() == IPAMConfig())
    }

    @Test("Docker's messages for a bad subnet, ip-range, gateway and auxiliary address")
    func dockerMessages() {
        #expect(
            messages(IPAMConfigRequest(subnet: "172.18.0.5/24")) == [
                "invalid subnet 172.18.0.5/24: it should be 172.18.0.0/24"
            ])
        #expect(
            messages(IPAMConfigRequest(subnet: "banana")) == [
                "invalid subnet banana: invalid CIDR block notation"
            ])
        #expect(
            messages(IPAMConfigRequest(subnet: "10.0.0.0/24", ipRange: "fd00::/64"))
                == ["invalid ip-range fd00::/64: parent subnet is an IPv4 block"])
        #expect(
            messages(IPAMConfigRequest(subnet: "10.0.0.0/24", ipRange: "10.0.0.0/16"))
                == ["invalid ip-range 10.0.0.0/16: CIDR block is bigger than its parent subnet 10.0.0.0/24"])
        #expect(
            messages(IPAMConfigRequest(subnet: "10.0.0.0/24", ipRange: "10.0.0.1/28"))
                == ["invalid ip-range 10.0.0.1/28: it should be 10.0.0.0/28"])
        #expect(
            messages(IPAMConfigRequest(subnet: "10.0.0.0/24", ipRange: "10.0.1.0/28"))
                == ["invalid ip-range 10.0.1.0/28: parent subnet 10.0.0.0/24 doesn't contain ip-range"])
        #expect(
            messages(IPAMConfigRequest(subnet: "10.0.0.0/24", gateway: "10.0.1.1"))
                == ["invalid gateway 10.0.1.1: parent subnet 10.0.0.0/24 doesn't contain this address"])
        #expect(
            messages(IPAMConfigRequest(subnet: "10.0.0.0/24", auxAddresses: ["db": "10.0.9.9"]))
                == ["invalid auxiliary address db: parent subnet 10.0.0.0/24 doesn't contain this address"])
        #expect(
            messages(IPAMConfigRequest(subnet: "10.0.0.0/24", gateway: "nope"))
                == ["invalid gateway nope: invalid address"])
    }

    @Test("fields that need a subnet are rejected without one")
    func withoutSubnet() {
        let problems = IPAMConfigRequest(ipRange: "10.0.0.0/28", gateway: "10.0.0.1").problems
        #expect(problems.map(\.field) == ["ip-range", "gateway"])
    }

    @Test("several problems are reported together under Docker's header, naming the first field")
    func aggregated() {
        #expect {
            _ = try IPAMConfigRequest.validate([
                IPAMConfigRequest(subnet: "10.0.0.0/24", gateway: "10.0.1.1"),
                IPAMConfigRequest(subnet: "fd00::1/64"),
            ])
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .invalidArgument && error.field == "gateway" && error.value == "10.0.1.1"
                && error.message == """
                    invalid network config:
                    invalid gateway 10.0.1.1: parent subnet 10.0.0.0/24 doesn't contain this address
                    invalid subnet fd00::1/64: it should be fd00::/64
                    """
        }
    }
}
