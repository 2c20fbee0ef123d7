import DNS
import Testing

@Suite("DNS record table")
struct DNSRecordTableTests {
    static func lookup(_ name: String, _ type: DNSRecordType, from client: DNSAddress) throws
        -> DNSLookupResult
    {
        Fixtures.table.lookup(DNSQuery(name: try DNSName(name), type: type, client: client))
    }

    @Test("a member's name gives its addresses of the asked family")
    func addressesByFamily() throws {
        #expect(
            try Self.lookup("web", .a, from: Fixtures.frontendClient) == .records([.address(Fixtures.web4)]))
        #expect(
            try Self.lookup("web", .aaaa, from: Fixtures.frontendClient)
                == .records([.address(Fixtures.web6)]))
        #expect(
            try Self.lookup("web", .any, from: Fixtures.frontendClient)
                == .records([.address(Fixtures.web4), .address(Fixtures.web6)]))
    }

    @Test("a known name without records of the asked type is an empty answer, not NXDOMAIN")
    func noData() throws {
        #expect(try Self.lookup("db1", .aaaa, from: Fixtures.frontendClient) == .records([]))
        #expect(try Self.lookup("web", .mx, from: Fixtures.frontendClient) == .records([]))
    }

    @Test("an alias on two members gives both addresses")
    func sharedAlias() throws {
        #expect(
            try Self.lookup("db", .a, from: Fixtures.frontendClient)
                == .records([.address(Fixtures.db1), .address(Fixtures.db2)]))
    }

    @Test("names resolve as name.network too, in any case")
    func qualifiedNames() throws {
        #expect(
            try Self.lookup("WWW.Frontend.", .a, from: Fixtures.frontendClient)
                == .records([.address(Fixtures.web4)]))
    }

    @Test("a name of a network the client is not on is NXDOMAIN, also qualified")
    func invisibleNames() throws {
        #expect(try Self.lookup("web", .a, from: Fixtures.backendClient) == .nonExistent)
        #expect(try Self.lookup("web.frontend", .a, from: Fixtures.backendClient) == .nonExistent)
        #expect(try Self.lookup("secret", .a, from: Fixtures.frontendClient) == .nonExistent)
        #expect(
            try Self.lookup("secret", .a, from: Fixtures.backendClient)
                == .records([.address(Fixtures.secret)]))
    }

    @Test("names no network has are not owned and go upstream")
    func foreignNames() throws {
        #expect(try Self.lookup("example.com", .a, from: Fixtures.frontendClient) == .notOwned)
        #expect(try Self.lookup("web.backend", .a, from: Fixtures.frontendClient) == .notOwned)
        #expect(try Self.lookup("web", .a, from: DNSAddress("192.0.2.9")!) == .nonExistent)
        #expect(
            DNSRecordTable.empty.lookup(DNSQuery(name: try DNSName("web"), type: .a, client: .loopback))
                == .notOwned)
    }

    @Test("reverse lookups name a visible member as name.network, for IPv4 and IPv6")
    func pointers() throws {
        let target = DNSLookupResult.records([.pointer(try DNSName("web.frontend"))])
        let client = Fixtures.frontendClient
        #expect(
            Fixtures.table.lookup(DNSQuery(name: Fixtures.web4.reverseName, type: .ptr, client: client))
                == target)
        #expect(
            Fixtures.table.lookup(DNSQuery(name: Fixtures.web6.reverseName, type: .ptr, client: client))
                == target)
        #expect(
            Fixtures.table.lookup(DNSQuery(name: Fixtures.secret.reverseName, type: .ptr, client: client))
                == .nonExistent)
        #expect(
            Fixtures.table.lookup(
                DNSQuery(name: DNSAddress("8.8.8.8")!.reverseName, type: .ptr, client: client))
                == .notOwned)
    }

    @Test("a sandbox on two networks sees both, the first listed network winning a shared name")
    func multiHomedSandbox() throws {
        let table = DNSRecordTable(networks: [
            .init(
                name: "one",
                members: [
                    .init(sandbox: "app", names: ["app"], addresses: [.v4(1)]),
                    .init(sandbox: "svc", names: ["svc"], addresses: [.v4(2)]),
                ]),
            .init(
                name: "two",
                members: [
                    .init(sandbox: "app", names: ["app"], addresses: [.v4(11)]),
                    .init(sandbox: "svc", names: ["svc"], addresses: [.v4(12)]),
                    .init(sandbox: "other", names: ["other"], addresses: [.v4(13)]),
                ]),
        ])
        let fromApp = DNSAddress.v4(11)
        #expect(
            table.lookup(DNSQuery(name: try DNSName("svc"), type: .a, client: fromApp))
                == .records([.address(.v4(2))]))
        #expect(
            table.lookup(DNSQuery(name: try DNSName("svc.two"), type: .a, client: fromApp))
                == .records([.address(.v4(12))]))
        #expect(
            table.lookup(DNSQuery(name: try DNSName("other"), type: .a, client: .v4(1)))
                == .records([.address(.v4(13))]))
    }

    @Test("a published table replaces the old one for every later lookup")
    func publishing() throws {
        let records = PublishedDNSRecords()
        let query = DNSQuery(name: try DNSName("web"), type: .a, client: Fixtures.frontendClient)
        #expect(records.lookup(query) == .notOwned)
        records.publish(Fixtures.table)
        #expect(records.lookup(query) == .records([.address(Fixtures.web4)]))
        records.publish(.empty)
        #expect(records.lookup(query) == .notOwned)
    }
}
