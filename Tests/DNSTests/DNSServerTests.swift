import DNS
import Testing

@Suite("DNS server answering from its record source")
struct DNSServerTests {
    @Test("an A query gets the member's address, authoritative, with TTL 600", arguments: Transport.allCases)
    func answersA(transport: Transport) async throws {
        try await withDNSServer { _, port in
            let reply = try TestClient.ask("web", .a, port: port, over: transport, id: 0x4242)
            #expect(reply.header.id == 0x4242)
            #expect(reply.header.isResponse && reply.header.isAuthoritative)
            #expect(reply.header.responseCode == .noError)
            #expect(reply.questions == [DNSQuestion(name: try DNSName("web"), type: .a)])
            #expect(
                reply.answers == [
                    DNSResourceRecord(name: try DNSName("web"), ttl: 600, data: .address(Fixtures.web4))
                ])
        }
    }

    @Test("an AAAA query gets the member's IPv6 address", arguments: Transport.allCases)
    func answersAAAA(transport: Transport) async throws {
        try await withDNSServer { _, port in
            let reply = try TestClient.ask("www.frontend", .aaaa, port: port, over: transport)
            #expect(reply.answerAddresses == [Fixtures.web6])
            #expect(reply.answers.allSatisfy { $0.type == .aaaa && $0.ttl == 600 })
        }
    }

    @Test("a PTR query for a member's IPv4 or IPv6 address gets name.network", arguments: Transport.allCases)
    func answersPTR(transport: Transport) async throws {
        try await withDNSServer { _, port in
            for address in [Fixtures.web4, Fixtures.web6] {
                let reply = try TestClient.ask(
                    address.reverseName.description, .ptr, port: port, over: transport)
                #expect(reply.header.responseCode == .noError)
                #expect(reply.answers.map(\.data) == [.pointer(try DNSName("web.frontend"))])
            }
        }
    }

    @Test("an alias shared by two members answers with both addresses", arguments: Transport.allCases)
    func answersAlias(transport: Transport) async throws {
        try await withDNSServer { _, port in
            let reply = try TestClient.ask("db", .a, port: port, over: transport)
            #expect(reply.answers.count == 2)
            #expect(reply.answerAddresses == [Fixtures.db1, Fixtures.db2])
        }
    }

    @Test("names match in any case and the question comes back as asked", arguments: Transport.allCases)
    func caseInsensitive(transport: Transport) async throws {
        try await withDNSServer { _, port in
            let reply = try TestClient.ask("WeB.FrontEnd", .a, port: port, over: transport)
            #expect(reply.answerAddresses == [Fixtures.web4])
            #expect(reply.questions.first?.name.description == "WeB.FrontEnd.")
        }
    }

    @Test("a name of a network the client is not on is NXDOMAIN", arguments: Transport.allCases)
    func invisibleName(transport: Transport) async throws {
        try await withDNSServer { _, port in
            let hidden = try TestClient.ask(
                "web", .a, port: port, over: transport, from: Fixtures.backendClient)
            #expect(hidden.header.responseCode == .nonExistentDomain)
            #expect(hidden.answers.isEmpty)
            let own = try TestClient.ask(
                "secret", .a, port: port, over: transport, from: Fixtures.backendClient)
            #expect(own.answerAddresses == [Fixtures.secret])
        }
    }

    @Test("with upstream none a foreign name is REFUSED", arguments: Transport.allCases)
    func refusesForeignNames(transport: Transport) async throws {
        try await withDNSServer(upstream: .none) { _, port in
            let reply = try TestClient.ask("example.com", .a, port: port, over: transport)
            #expect(reply.header.responseCode == .refused)
            #expect(!reply.header.recursionAvailable)
        }
    }

    @Test("a newly published table is answered at once, without restarting listeners")
    func publishedChanges() async throws {
        let records = PublishedDNSRecords()
        try await withDNSServer(source: records) { _, port in
            let reply1 = try TestClient.ask("web", .a, port: port, over: .udp)
            #expect(reply1.header.responseCode == .refused)
            records.publish(Fixtures.table)
            let reply2 = try TestClient.ask("web", .a, port: port, over: .udp)
            #expect(reply2.answerAddresses == [Fixtures.web4])
            records.publish(.empty)
            let reply3 = try TestClient.ask("web", .a, port: port, over: .tcp)
            #expect(reply3.header.responseCode == .refused)
        }
    }

    @Test("stopping an address closes its listeners and leaves the others")
    func stopAddress() async throws {
        let second = DNSAddress("127.0.0.3")!
        try await withDNSServer(addresses: [.loopback, second]) { server, _ in
            let ports = Dictionary(uniqueKeysWithValues: await server.listeners.map { ($0.address, $0.port) })
            #expect(Set(ports.keys) == [.loopback, second])
            await server.stop(addresses: [second])
            #expect(await server.listeners.map(\.address) == [.loopback])
            #expect(throws: TestSocketError.self) {
                try TestClient.exchange(
                    try TestClient.query("web", .a).encoded(), server: second, port: ports[second]!,
                    over: .tcp)
            }
            let reply4 = try TestClient.ask("web", .a, port: ports[.loopback]!, over: .tcp)
            #expect(reply4.answerAddresses == [Fixtures.web4])
        }
    }

    @Test("starting an address that is already served keeps its listener")
    func startIsIdempotent() async throws {
        try await withDNSServer { server, port in
            let again = try await server.start(addresses: [.loopback, .loopback])
            #expect(again == [DNSServer.Listener(address: .loopback, port: port)])
            #expect(await server.listeners.count == 1)
        }
    }

    @Test("a port already taken is a bind error naming address, port and transport")
    func bindFailure() async throws {
        let blocker = try TestSocket.udp()
        try blocker.bind(.loopback)
        let server = DNSServer(
            source: Fixtures.table, configuration: .init(port: blocker.localPort, upstream: .none))
        await #expect(throws: DNSServerError.self) { try await server.start(addresses: [.loopback]) }
        #expect(await server.listeners.isEmpty)
    }

    @Test("garbage does not stop the server, and a broken query gets FORMERR")
    func survivesGarbage() async throws {
        try await withDNSServer { _, port in
            let socket = try TestSocket.udp()
            try socket.send([1, 2, 3], to: .loopback, port: port)
            try socket.send(HostilePacketTests.header() + [0xC0, 12, 0, 1, 0, 1], to: .loopback, port: port)
            let formerr = try DNSMessage(decoding: socket.receive().bytes)
            #expect(formerr.header.id == 0xABCD && formerr.header.responseCode == .formatError)
            let reply5 = try TestClient.ask("web", .a, port: port, over: .udp)
            #expect(reply5.answerAddresses == [Fixtures.web4])
        }
    }

    @Test("a UDP answer too big for 512 bytes is truncated with TC; TCP carries it whole")
    func truncation() async throws {
        let members = (1...60).map {
            DNSRecordTable.Member(
                sandbox: "m\($0)", names: ["many"], addresses: [.v4(0x0A00_0000 + UInt32($0))])
        }
        let client = DNSRecordTable.Member(sandbox: "client", names: ["client"], addresses: [.loopback])
        let table = DNSRecordTable(networks: [.init(name: "big", members: members + [client])])
        try await withDNSServer(source: table) { _, port in
            let udp = try TestClient.ask("many", .a, port: port, over: .udp)
            #expect(udp.header.isTruncated && udp.answers.isEmpty)
            let tcp = try TestClient.ask("many", .a, port: port, over: .tcp)
            #expect(!tcp.header.isTruncated && tcp.answers.count == 60)
        }
    }

    @Test("an IPv6 listener answers too")
    func ipv6Listener() async throws {
        let v6Client = DNSRecordTable.Member(sandbox: "client1", names: ["client1"], addresses: [.loopbackV6])
        let table = DNSRecordTable(networks: [
            .init(
                name: "v6",
                members: [v6Client, .init(sandbox: "web", names: ["web"], addresses: [Fixtures.web6])])
        ])
        try await withDNSServer(source: table, addresses: [.loopbackV6]) { _, port in
            for transport in Transport.allCases {
                let reply = try TestClient.ask("web", .aaaa, server: .loopbackV6, port: port, over: transport)
                #expect(reply.answerAddresses == [Fixtures.web6])
            }
        }
    }
}
