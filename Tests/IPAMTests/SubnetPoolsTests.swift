import Testing

@testable import IPAM

@Suite("Network subnets from pools")
struct SubnetPoolsTests {
    private func subnet(_ text: String) -> IPSubnet { IPSubnet(text)! }

    @Test("user networks get /24s from 172.18.0.0/16 upwards, in order")
    func defaultPicks() throws {
        var pools = SubnetPools(machineID: "test")
        let aSubnet = try pools.allocate(.v4, owner: "a")
        #expect(aSubnet == subnet("172.18.0.0/24"))
        let bSubnet = try pools.allocate(.v4, owner: "b")
        #expect(bSubnet == subnet("172.18.1.0/24"))
        #expect(pools.owner(of: subnet("172.18.1.0/24")) == "b")
    }

    @Test("the default bridge takes 172.17.0.0/16 when no route is in the way")
    func defaultBridge() throws {
        var pools = SubnetPools(machineID: "test")
        let bridgeSubnet = try pools.allocateDefaultBridge(owner: "bridge")
        #expect(bridgeSubnet == subnet("172.17.0.0/16"))
        let aSubnet = try pools.allocate(.v4, owner: "a")
        #expect(aSubnet == subnet("172.18.0.0/24"))
    }

    @Test(
        "the default bridge falls back to the first free /16 of 172.18–31 when 172.17/16 is a host route, and that /16 leaves the pools"
    )
    func defaultBridgeFallback() throws {
        var pools = SubnetPools(machineID: "test")
        let routes: [ExcludedPrefix] = [
            .hostRoute(subnet("172.17.0.0/16")), .hostRoute(subnet("172.18.128.0/20")),
        ]
        let bridgeSubnet = try pools.allocateDefaultBridge(owner: "bridge", excluding: routes)
        #expect(bridgeSubnet == subnet("172.19.0.0/16"))
        let aSubnet = try pools.allocate(.v4, owner: "a", excluding: routes)
        #expect(aSubnet == subnet("172.18.0.0/24"))
        var picked: [IPSubnet] = []
        for index in 0..<250 { picked.append(try pools.allocate(.v4, owner: "n\(index)", excluding: routes)) }
        // 172.18.1–127 (127 /24s), then past the /20 route 172.18.144–255 (112 more), then
        // 172.19/16 belongs to the bridge, so 172.20.0.0/24 onwards.
        #expect(picked[126] == subnet("172.18.127.0/24"))
        #expect(picked[127] == subnet("172.18.144.0/24"))
        #expect(picked[238] == subnet("172.18.255.0/24"))
        #expect(picked[239] == subnet("172.20.0.0/24"))
        #expect(!picked.contains { $0.overlaps(self.subnet("172.19.0.0/16")) })
        #expect(picked.last == subnet("172.20.10.0/24"))
    }

    @Test("a host route is never picked over")
    func hostRouteAvoidance() throws {
        var pools = SubnetPools(machineID: "test")
        let excluded: [ExcludedPrefix] = [
            .hostRoute(subnet("172.18.0.0/16")), .hostRoute(subnet("172.19.0.0/23")),
            .nameserver(IPAddress("172.19.2.53")!),
        ]
        let aSubnet = try pools.allocate(.v4, owner: "a", excluding: excluded)
        #expect(aSubnet == subnet("172.19.3.0/24"))
        // Once the route is gone, the lowest subnet is free again.
        let bSubnet = try pools.allocate(.v4, owner: "b")
        #expect(bSubnet == subnet("172.18.0.0/24"))
    }

    @Test("an explicit subnet that overlaps another network fails naming both subnets and the network")
    func explicitOverlap() throws {
        var pools = SubnetPools(machineID: "test")
        try pools.reserve(subnet("10.10.0.0/16"), owner: "backend")
        #expect {
            try pools.reserve(self.subnet("10.10.5.0/24"), owner: "frontend")
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .overlap && error.field == "subnet" && error.value == "10.10.5.0/24"
                && error.message == "invalid subnet 10.10.5.0/24: it overlaps 10.10.0.0/16 of network backend"
        }
        #expect(throws: IPAMError.self) { try pools.reserve(self.subnet("10.0.0.0/8"), owner: "wide") }
        try pools.reserve(subnet("10.11.0.0/16"), owner: "next door")
        #expect(pools.allocatedSubnets == [subnet("10.10.0.0/16"), subnet("10.11.0.0/16")])
    }

    @Test("an explicit subnet that overlaps a host route fails naming the route")
    func explicitRouteOverlap() {
        var pools = SubnetPools(machineID: "test")
        #expect {
            try pools.reserve(
                self.subnet("192.168.1.0/24"), owner: "lan",
                excluding: [.hostRoute(self.subnet("192.168.0.0/16"))])
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .overlap
                && error.message == "invalid subnet 192.168.1.0/24: it overlaps host route 192.168.0.0/16"
        }
    }

    @Test("explicit subnets inside a pool are skipped by later picks")
    func explicitInsidePool() throws {
        var pools = SubnetPools(machineID: "test")
        try pools.reserve(subnet("172.18.0.0/23"), owner: "wide")
        try pools.reserve(subnet("172.18.2.128/25"), owner: "half")
        let aSubnet = try pools.allocate(.v4, owner: "a")
        #expect(aSubnet == subnet("172.18.3.0/24"))
    }

    @Test("a released subnet is the next one picked")
    func releaseAndReuse() throws {
        var pools = SubnetPools(machineID: "test")
        var picked: [IPSubnet] = []
        for index in 0..<10 { picked.append(try pools.allocate(.v4, owner: "n\(index)")) }
        try pools.release(picked[6])
        try pools.release(picked[2])
        let xSubnet = try pools.allocate(.v4, owner: "x")
        #expect(xSubnet == picked[2])
        let ySubnet = try pools.allocate(.v4, owner: "y")
        #expect(ySubnet == picked[6])
        let zSubnet = try pools.allocate(.v4, owner: "z")
        #expect(zSubnet == subnet("172.18.10.0/24"))
        #expect(throws: IPAMError.self) { try pools.release(self.subnet("10.0.0.0/24")) }
    }

    @Test("3,000 networks get distinct, non-overlapping /24s and the pools run out after 3,840")
    func thousandsOfNetworks() throws {
        var pools = SubnetPools(machineID: "test")
        var picked: [IPSubnet] = []
        for index in 0..<3000 { picked.append(try pools.allocate(.v4, owner: "n\(index)")) }
        let sorted = picked.sorted()
        #expect(sorted == picked)
        for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(!a.overlaps(b)) }
        #expect(picked.allSatisfy { $0.prefixLength == 24 })
        #expect(picked[3000 - 1] == subnet("172.29.183.0/24"))
        for index in 3000..<3840 { picked.append(try pools.allocate(.v4, owner: "n\(index)")) }
        #expect(picked.last == subnet("192.168.255.0/24"))
        #expect {
            _ = try pools.allocate(.v4, owner: "one too many")
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .exhausted
                && error.message.hasPrefix(
                    "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network"
                )
                && error.message.contains("192.168.0.0/16")
        }
        try pools.release(picked[1234])
        let againSubnet = try pools.allocate(.v4, owner: "again")
        #expect(againSubnet == picked[1234])
    }

    @Test("configured IPv4 pools replace the defaults and are used in order")
    func configuredPools() throws {
        let configured = [
            try AddressPool.parse("base=10.10.0.0/30,size=31"),
            try AddressPool.parse("size=28,base=10.20.0.0/27"),
        ]
        var pools = SubnetPools(pools: configured, machineID: "test")
        #expect(pools.ipv4Pools == configured)
        let picked = try (0..<4).map { _ in try pools.allocate(.v4, owner: "n") }
        #expect(picked == ["10.10.0.0/31", "10.10.0.2/31", "10.20.0.0/28", "10.20.0.16/28"].map(subnet))
        #expect {
            _ = try pools.allocate(.v4, owner: "n")
        } throws: { error in
            let message = (error as! IPAMError).message
            return !message.contains("among the defaults") && message.contains("10.20.0.0/27")
        }
    }

    @Test("pool text without a size takes /24 for IPv4 and /64 for IPv6")
    func poolDefaultSize() throws {
        #expect(try AddressPool.parse("base=10.0.0.0/8").size == 24)
        #expect(try AddressPool.parse(" base = fd00::/48 ").size == 64)
    }

    @Test(
        "malformed pool text is rejected",
        arguments: [
            "", "base=10.0.0.1/8,size=24", "base=10.0.0.0/16,size=8", "base=10.0.0.0/16,size=33",
            "base=10.0.0.0/16,size=x", "base=10.0.0.0/16,size=24,size=25", "base=10.0.0.0/16,mask=24",
            "10.0.0.0/16",
        ])
    func badPoolText(text: String) {
        #expect {
            _ = try AddressPool.parse(text)
        } throws: { error in
            let error = error as! IPAMError
            return error.kind == .invalidArgument && error.field == "default-address-pool"
                && error.value == text
        }
    }

    @Test("the IPv6 pool is a ULA /48 derived from the machine ID and hands out /64s")
    func uniqueLocalPool() throws {
        let pool = AddressPool.uniqueLocal(machineID: "abc")
        // SHA-256("abc") starts ba 78 16 bf 8f.
        #expect(pool.base == subnet("fdba:7816:bf8f::/48"))
        #expect(pool.size == 64)
        #expect(AddressPool.uniqueLocal(machineID: "other") != pool)
        var pools = SubnetPools(machineID: "abc")
        let aSubnet = try pools.allocate(.v6, owner: "a")
        #expect(aSubnet == subnet("fdba:7816:bf8f::/64"))
        let bSubnet = try pools.allocate(.v6, owner: "b")
        #expect(bSubnet == subnet("fdba:7816:bf8f:1::/64"))
        try pools.reserve(subnet("fdba:7816:bf8f:2::/63"), owner: "explicit")
        let cSubnet = try pools.allocate(.v6, owner: "c")
        #expect(cSubnet == subnet("fdba:7816:bf8f:4::/64"))
    }

    @Test("a configured IPv6 pool replaces the ULA pool but not the IPv4 defaults")
    func configuredIPv6Pool() throws {
        var pools = SubnetPools(
            pools: [try AddressPool.parse("base=2001:db8::/56,size=64")], machineID: "abc")
        #expect(pools.ipv4Pools == AddressPool.defaultIPv4)
        let aSubnet = try pools.allocate(.v6, owner: "a")
        #expect(aSubnet == subnet("2001:db8::/64"))
        let bSubnet = try pools.allocate(.v4, owner: "b")
        #expect(bSubnet == subnet("172.18.0.0/24"))
    }
}
