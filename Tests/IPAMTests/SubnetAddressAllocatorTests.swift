import Testing

@testable import IPAM

@Suite("Addresses within a subnet")
struct SubnetAddressAllocatorTests {
    private func subnet(_ text: String) -> IPSubnet { IPSubnet(text)! }
    private func address(_ text: String) -> IPAddress { IPAddress(text)! }

    @Test("a /29 gives the gateway and then exactly its remaining five hosts, then reports exhaustion")
    func exhaustion() throws {
        var allocator = try SubnetAddressAllocator(subnet: subnet("172.18.0.0/29"))
        #expect(allocator.gateway == address("172.18.0.1"))
        var given: [String] = []
        for _ in 0..<5 { given.append(try allocator.allocate().description) }
        #expect(given == ["172.18.0.2", "172.18.0.3", "172.18.0.4", "172.18.0.5", "172.18.0.6"])
        #expect(allocator.allocatedCount == 5)
        #expect {
            _ = try allocator.allocate()
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .exhausted && error.message.contains("172.18.0.0/29")
        }
    }

    @Test("a released address is handed out again before higher ones")
    func reuseLowestFirst() throws {
        var allocator = try SubnetAddressAllocator(subnet: subnet("10.1.0.0/24"))
        let first = try allocator.allocate()
        let second = try allocator.allocate()
        let third = try allocator.allocate()
        #expect([first, second, third].map(\.description) == ["10.1.0.2", "10.1.0.3", "10.1.0.4"])
        try allocator.release(third)
        try allocator.release(first)
        let reused = try (0..<3).map { _ in try allocator.allocate() }
        #expect(reused == [first, third, address("10.1.0.5")])
    }

    @Test("releasing an address that is not allocated, or the gateway, fails with not found")
    func releaseUnknown() throws {
        var allocator = try SubnetAddressAllocator(subnet: subnet("10.1.0.0/24"))
        #expect(throws: IPAMError.self) { try allocator.release(address("10.1.0.9")) }
        #expect(throws: IPAMError.self) { try allocator.release(address("10.1.0.1")) }
        #expect(throws: IPAMError.self) { try allocator.release(address("10.2.0.9")) }
        #expect(allocator.isTaken(address("10.1.0.1")))
    }

    @Test("dynamic addresses come only from the ip-range; static ones may lie outside it")
    func ipRange() throws {
        var allocator = try SubnetAddressAllocator(
            subnet: subnet("172.20.0.0/24"), ipRange: subnet("172.20.0.128/30"))
        #expect(allocator.gateway == address("172.20.0.1"))
        var given: [IPAddress] = []
        for _ in 0..<4 { given.append(try allocator.allocate()) }
        #expect(given.map(\.description) == ["172.20.0.128", "172.20.0.129", "172.20.0.130", "172.20.0.131"])
        #expect {
            _ = try allocator.allocate()
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .exhausted && error.message.contains("172.20.0.128/30")
        }
        try allocator.allocate(address("172.20.0.7"))
        #expect(allocator.isTaken(address("172.20.0.7")))
    }

    @Test("an ip-range outside the subnet is rejected")
    func ipRangeOutside() {
        #expect(throws: IPAMError.self) {
            try SubnetAddressAllocator(
                subnet: self.subnet("172.20.0.0/24"), ipRange: self.subnet("172.21.0.0/28"))
        }
    }

    @Test("auxiliary addresses are reserved and must lie inside the subnet")
    func auxAddresses() throws {
        var allocator = try SubnetAddressAllocator(
            subnet: subnet("192.168.5.0/29"), auxAddresses: ["router": address("192.168.5.2")])
        let firstDynamic = try allocator.allocate()
        #expect(firstDynamic == address("192.168.5.3"))
        #expect {
            try allocator.allocate(self.address("192.168.5.2"))
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .inUse
                && error.message == "address 192.168.5.2 is already in use by auxiliary address router"
        }
        #expect {
            try SubnetAddressAllocator(
                subnet: self.subnet("192.168.5.0/29"), auxAddresses: ["x": self.address("192.168.6.1")])
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .invalidArgument && error.message.contains("192.168.6.1")
                && error.message.contains("192.168.5.0/29")
        }
        #expect(throws: IPAMError.self) {
            try SubnetAddressAllocator(
                subnet: self.subnet("192.168.5.0/29"), auxAddresses: ["gw": self.address("192.168.5.1")])
        }
    }

    @Test("an explicit gateway is reserved, and dynamic allocation starts from the lowest free host")
    func explicitGateway() throws {
        var allocator = try SubnetAddressAllocator(
            subnet: subnet("10.9.0.0/24"), gateway: address("10.9.0.254"))
        #expect(allocator.gateway == address("10.9.0.254"))
        let firstDynamic = try allocator.allocate()
        #expect(firstDynamic == address("10.9.0.1"))
        #expect {
            try allocator.allocate(self.address("10.9.0.254"))
        } throws: { error in
            (error as! IPAMError).message == "address 10.9.0.254 is already in use by the gateway"
        }
    }

    @Test(
        "a gateway outside the subnet, or on its network or broadcast address, is rejected",
        arguments: ["10.9.1.1", "10.9.0.0", "10.9.0.255", "fd00::1"])
    func badGateway(gateway: String) {
        #expect {
            try SubnetAddressAllocator(subnet: self.subnet("10.9.0.0/24"), gateway: self.address(gateway))
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .invalidArgument && error.field == "gateway" && error.value == gateway
        }
    }

    @Test("static requests are checked: taken, outside the subnet, network and broadcast addresses")
    func staticRequests() throws {
        var allocator = try SubnetAddressAllocator(subnet: subnet("172.18.0.0/24"))
        try allocator.allocate(address("172.18.0.5"))
        #expect {
            try allocator.allocate(self.address("172.18.0.5"))
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .inUse && error.message == "address 172.18.0.5 is already in use"
        }
        #expect {
            try allocator.allocate(self.address("172.19.0.5"))
        } throws: { error in
            (error as! IPAMError).message
                == "invalid address 172.19.0.5: it does not belong to this network's subnet 172.18.0.0/24"
        }
        #expect(throws: IPAMError.self) { try allocator.allocate(self.address("172.18.0.0")) }
        #expect(throws: IPAMError.self) { try allocator.allocate(self.address("172.18.0.255")) }
        // A static address below the dynamic cursor does not disturb lowest-free allocation.
        let firstDynamic = try allocator.allocate()
        #expect(firstDynamic == address("172.18.0.2"))
    }

    @Test("a requested address may be given plainly or with the subnet's prefix length only")
    func requestedAddressText() throws {
        let allocator = try SubnetAddressAllocator(subnet: subnet("172.18.0.0/24"))
        #expect(try allocator.parseRequestedAddress("172.18.0.9") == address("172.18.0.9"))
        #expect(try allocator.parseRequestedAddress("172.18.0.9/24") == address("172.18.0.9"))
        #expect(throws: IPAMError.self) { try allocator.parseRequestedAddress("172.18.0.9/16") }
        #expect(throws: IPAMError.self) { try allocator.parseRequestedAddress("bogus", field: "ipv4Address") }
    }

    @Test("a /31 and a /32 have no network or broadcast address to skip")
    func pointToPoint() throws {
        var pair = try SubnetAddressAllocator(subnet: subnet("10.0.0.0/31"))
        #expect(pair.gateway == address("10.0.0.0"))
        let other = try pair.allocate()
        #expect(other == address("10.0.0.1"))
        var single = try SubnetAddressAllocator(subnet: subnet("10.0.0.7/32"))
        #expect(single.gateway == address("10.0.0.7"))
        #expect(throws: IPAMError.self) { _ = try single.allocate() }
    }

    @Test("an IPv6 /64 gives ::1 to the gateway, ::2 onwards to endpoints, and never the anycast address")
    func ipv6Dynamic() throws {
        var allocator = try SubnetAddressAllocator(subnet: subnet("fd12:3456:789a:1::/64"))
        #expect(allocator.gateway == address("fd12:3456:789a:1::1"))
        let firstTwo = try (0..<2).map { _ in try allocator.allocate() }
        #expect(firstTwo == [address("fd12:3456:789a:1::2"), address("fd12:3456:789a:1::3")])
        #expect(throws: IPAMError.self) { try allocator.allocate(self.address("fd12:3456:789a:1::")) }
        try allocator.release(address("fd12:3456:789a:1::2"))
        let reused = try allocator.allocate()
        #expect(reused == address("fd12:3456:789a:1::2"))
    }

    @Test("static IPv6 addresses anywhere in a /64 are reserved and reported in use")
    func ipv6Static() throws {
        var allocator = try SubnetAddressAllocator(subnet: subnet("2001:db8:1::/64"))
        let far = address("2001:db8:1:0:ffff:ffff:ffff:fffe")
        try allocator.allocate(far)
        try allocator.allocate(address("2001:db8:1::2"))
        #expect {
            try allocator.allocate(far)
        } throws: { error in
            (error as! IPAMError).message == "address 2001:db8:1:0:ffff:ffff:ffff:fffe is already in use"
        }
        let dynamic = try allocator.allocate()
        #expect(dynamic == address("2001:db8:1::3"))
        #expect(throws: IPAMError.self) { try allocator.allocate(self.address("2001:db8:2::5")) }
        #expect(allocator.allocatedCount == 3)
    }

    @Test("an allocator rebuilt from the stored addresses continues where the old one was")
    func restore() throws {
        var original = try SubnetAddressAllocator(
            subnet: subnet("172.30.4.0/24"), ipRange: subnet("172.30.4.0/25"))
        var stored: [IPAddress] = []
        for _ in 0..<10 { stored.append(try original.allocate()) }
        try original.release(stored.remove(at: 3))
        stored.append(address("172.30.4.200"))
        try original.allocate(address("172.30.4.200"))

        var restored = try SubnetAddressAllocator(
            subnet: subnet("172.30.4.0/24"), ipRange: subnet("172.30.4.0/25"), restoring: stored)
        #expect(restored.allocatedCount == original.allocatedCount)
        let fromRestored = try (0..<5).map { _ in try restored.allocate() }
        let fromOriginal = try (0..<5).map { _ in try original.allocate() }
        #expect(fromRestored == fromOriginal)
        #expect(fromRestored.first == address("172.30.4.5"))
        #expect(throws: IPAMError.self) {
            try SubnetAddressAllocator(
                subnet: self.subnet("172.30.4.0/24"), restoring: [stored[0], stored[0]])
        }
    }

    @Test("a large subnet allocates many addresses in order, with holes refilled lowest first")
    func largeSubnet() throws {
        var allocator = try SubnetAddressAllocator(subnet: subnet("10.0.0.0/16"))
        var given: [IPAddress] = []
        for _ in 0..<5000 { given.append(try allocator.allocate()) }
        #expect(Set(given).count == 5000)
        #expect(given.last == address("10.0.19.137"))
        for index in stride(from: 4000, to: 1000, by: -700) { try allocator.release(given[index]) }
        let refilled = try (0..<2).map { _ in try allocator.allocate() }
        #expect(refilled == [given[1200], given[1900]])
    }
}
