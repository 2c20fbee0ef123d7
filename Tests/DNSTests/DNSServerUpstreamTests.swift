import DNS
import Foundation
import Testing

/// Forwarding of foreign names, against fake upstreams on loopback run by the test itself.
@Suite("DNS server forwarding upstream")
struct DNSServerUpstreamTests {
    /// A fake upstream: a UDP socket the test reads queries from and answers by hand.
    final class FakeUpstream {
        let socket: TestSocket
        let address: DNSAddress
        let port: Int

        init(address: DNSAddress = .loopback, port: Int = 0) throws {
            socket = try TestSocket.udp()
            try socket.bind(address, port: port)
            self.address = address
            self.port = socket.localPort
        }

        var server: DNSUpstreamServer { DNSUpstreamServer(address: address, port: port) }

        /// Reads one forwarded query and answers it with `answer` for its question, or with an
        /// empty truncated reply.
        @discardableResult
        func answer(with answer: DNSAddress, truncated: Bool = false) throws -> DNSMessage {
            let (bytes, replyPort) = try socket.receive()
            let query = try DNSMessage(decoding: bytes)
            try socket.send(
                try Self.reply(to: query, with: answer, truncated: truncated).encoded(), to: .loopback,
                port: replyPort)
            return query
        }

        static func reply(to query: DNSMessage, with answer: DNSAddress, truncated: Bool = false)
            -> DNSMessage
        {
            var header = query.header
            header.isResponse = true
            header.recursionAvailable = true
            header.isTruncated = truncated
            let record = DNSResourceRecord(name: query.questions[0].name, ttl: 42, data: .address(answer))
            return DNSMessage(header: header, questions: query.questions, answers: truncated ? [] : [record])
        }
    }

    /// A client socket that sends now and reads the reply later, so the test can play the
    /// upstream in between.
    final class PendingQuery {
        let socket: TestSocket
        let transport: Transport

        init(_ name: String, _ type: DNSRecordType, port: Int, over transport: Transport, id: UInt16) throws {
            self.transport = transport
            let bytes = try TestClient.query(name, type, id: id).encoded()
            switch transport {
            case .udp:
                socket = try TestSocket.udp()
                try socket.send(bytes, to: .loopback, port: port)
            case .tcp:
                socket = try TestSocket.tcp()
                try socket.connect(.loopback, port: port)
                try socket.writeFrame(bytes)
            }
        }

        func reply() throws -> DNSMessage {
            switch transport {
            case .udp:
                return try DNSMessage(decoding: socket.receive().bytes)
            case .tcp:
                return try DNSMessage(decoding: socket.readFrame())
            }
        }
    }

    @Test(
        "a foreign name is forwarded and the upstream's answer relayed with the client's ID",
        arguments: Transport.allCases)
    func forwards(transport: Transport) async throws {
        let upstream = try FakeUpstream()
        try await withDNSServer(upstream: .servers([upstream.server])) { _, port in
            let pending = try PendingQuery("Example.COM", .a, port: port, over: transport, id: 0x7777)
            let forwarded = try upstream.answer(with: DNSAddress("192.0.2.7")!)
            #expect(forwarded.questions == [DNSQuestion(name: try DNSName("example.com"), type: .a)])
            #expect(forwarded.header.recursionDesired)
            let reply = try pending.reply()
            #expect(reply.header.id == 0x7777)
            #expect(reply.header.responseCode == .noError)
            #expect(
                reply.answers == [
                    DNSResourceRecord(
                        name: try DNSName("example.com"), ttl: 42, data: .address(DNSAddress("192.0.2.7")!))
                ])
        }
    }

    @Test("a truncated UDP reply for a TCP client is fetched again over TCP from the same upstream")
    func retriesTruncatedOverTCP() async throws {
        let upstream = try FakeUpstream()
        let stream = try TestSocket.tcp()
        try stream.bind(.loopback, port: upstream.port)
        try stream.listen()
        try await withDNSServer(upstream: .servers([upstream.server])) { _, port in
            let pending = try PendingQuery("big.example", .a, port: port, over: .tcp, id: 0x5151)
            try upstream.answer(with: DNSAddress("192.0.2.9")!, truncated: true)
            let connection = try stream.accept()
            let query = try DNSMessage(decoding: connection.readFrame())
            #expect(query.questions == [DNSQuestion(name: try DNSName("big.example"), type: .a)])
            try connection.writeFrame(
                try FakeUpstream.reply(to: query, with: DNSAddress("192.0.2.9")!).encoded())
            let reply = try pending.reply()
            #expect(reply.header.id == 0x5151 && !reply.header.isTruncated)
            #expect(reply.answerAddresses == [DNSAddress("192.0.2.9")!])
        }
    }

    @Test("a truncated UDP reply is relayed as it is to a UDP client")
    func relaysTruncatedOverUDP() async throws {
        let upstream = try FakeUpstream()
        try await withDNSServer(upstream: .servers([upstream.server])) { _, port in
            let pending = try PendingQuery("big.example", .a, port: port, over: .udp, id: 0x5252)
            try upstream.answer(with: DNSAddress("192.0.2.9")!, truncated: true)
            let reply = try pending.reply()
            #expect(reply.header.id == 0x5252 && reply.header.isTruncated && reply.answers.isEmpty)
        }
    }

    @Test("beyond the limit of forwards in flight a query gets SERVFAIL at once")
    func forwardLimit() async throws {
        let silent = try FakeUpstream()
        let server = DNSServer(
            source: Fixtures.table,
            configuration: .init(
                port: 0, upstream: .servers([silent.server]), upstreamTimeout: .seconds(30),
                maxConcurrentForwards: 1))
        let port = try await server.start(addresses: [.loopback])[0].port
        // The first forward waits on the silent upstream far longer than the client's 5 s receive
        // timeout, so only a reply sent at once can reach the second client.
        let first = try PendingQuery("one.example", .a, port: port, over: .udp, id: 1)
        _ = try silent.socket.receive()
        let second = try PendingQuery("two.example", .a, port: port, over: .udp, id: 2)
        let reply = try second.reply()
        #expect(reply.header.id == 2 && reply.header.responseCode == .serverFailure)
        _ = first
        await server.stop()
    }

    @Test("internal names are answered locally even when an upstream is set")
    func localNamesStayLocal() async throws {
        let upstream = try FakeUpstream()
        try await withDNSServer(upstream: .servers([upstream.server])) { _, port in
            let reply = try TestClient.ask("secret", .a, port: port, over: .udp)
            #expect(reply.header.responseCode == .nonExistentDomain)
            #expect(reply.header.recursionAvailable)
        }
    }

    @Test("an upstream that never answers gives SERVFAIL after the timeout", arguments: Transport.allCases)
    func timeout(transport: Transport) async throws {
        let silent = try FakeUpstream()
        try await withDNSServer(upstream: .servers([silent.server]), upstreamTimeout: .milliseconds(200)) {
            _, port in
            let reply = try TestClient.ask("example.com", .a, port: port, over: transport)
            #expect(reply.header.responseCode == .serverFailure)
            #expect(reply.questions == [DNSQuestion(name: try DNSName("example.com"), type: .a)])
        }
    }

    @Test("when the first upstream is silent the next one answers")
    func fallsBack() async throws {
        let silent = try FakeUpstream()
        let answering = try FakeUpstream()
        try await withDNSServer(
            upstream: .servers([silent.server, answering.server]), upstreamTimeout: .milliseconds(200)
        ) { _, port in
            let pending = try PendingQuery("example.org", .a, port: port, over: .udp, id: 9)
            _ = try answering.answer(with: DNSAddress("192.0.2.8")!)
            let reply1 = try pending.reply()
            #expect(reply1.answerAddresses == [DNSAddress("192.0.2.8")!])
        }
    }

    @Test("upstream host reads resolv.conf and follows it when it changes")
    func hostResolvConf() async throws {
        // resolv.conf has no ports, so these fake upstreams listen on port 53 of spare loopback addresses.
        let first = try FakeUpstream(address: DNSAddress("127.0.0.77")!, port: 53)
        let second = try FakeUpstream(address: DNSAddress("127.0.0.78")!, port: 53)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cnm-dns-\(UUID()).conf")
            .path
        try "# test\nnameserver 127.0.0.77\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withDNSServer(upstream: .host(resolvConf: path)) { _, port in
            let one = try PendingQuery("a.example", .a, port: port, over: .udp, id: 1)
            _ = try first.answer(with: DNSAddress("192.0.2.1")!)
            let reply2 = try one.reply()
            #expect(reply2.answerAddresses == [DNSAddress("192.0.2.1")!])

            try "nameserver 127.0.0.78\n".write(toFile: path, atomically: true, encoding: .utf8)
            let two = try PendingQuery("b.example", .a, port: port, over: .udp, id: 2)
            _ = try second.answer(with: DNSAddress("192.0.2.2")!)
            let reply3 = try two.reply()
            #expect(reply3.answerAddresses == [DNSAddress("192.0.2.2")!])
        }
    }

    @Test("upstream host with an unreadable resolv.conf gives SERVFAIL")
    func hostWithoutResolvConf() async throws {
        try await withDNSServer(upstream: .host(resolvConf: "/nonexistent/resolv.conf")) { _, port in
            let reply4 = try TestClient.ask("example.com", .a, port: port, over: .udp)
            #expect(reply4.header.responseCode == .serverFailure)
        }
    }
}
