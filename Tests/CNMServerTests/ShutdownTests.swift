import CNMServer
import Foundation
import NIOCore
import NIOPosix
import Testing

/// Graceful shutdown: calls in flight finish, streams end with `unavailable`, nothing new is accepted.
@Suite("Graceful shutdown")
struct ShutdownTests {
    /// Waits (bounded) until the server runs `count` calls.
    private func waitForCalls(_ server: ConnectServer, count: Int) async throws {
        for _ in 0..<1000 where server.activeCalls != count {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(server.activeCalls == count)
    }

    @Test(
        "a unary call in flight finishes with its answer, then the listener is gone",
        arguments: [Transport.unixHTTP2, Transport.tcpHTTP2, Transport.tcpHTTP1])
    func unaryCallFinishes(transport: Transport) async throws {
        let server = try await TestServer.start(transport)
        let call = Task {
            try await server.curl.run(
                EchoService.sleep, ["-H", "content-type: application/json"], body: Data("300".utf8))
        }
        try await self.waitForCalls(server.server, count: 1)
        await server.server.shutdown()
        #expect(server.server.activeCalls == 0)
        let response = try await call.value
        #expect(response.status == 200)
        #expect(response.bodyText == "\"slept 300 ms\"")

        let after = try await server.curl.run(
            EchoService.echo, ["-H", "content-type: application/json"], body: Data("\"late\"".utf8))
        #expect(after.exitCode != 0, "nothing accepts connections after shutdown")
    }

    @Test(
        "a server stream in flight ends with unavailable in its end-stream",
        arguments: [Transport.unixHTTP2, Transport.unixHTTP1])
    func streamEnds(transport: Transport) async throws {
        let server = try await TestServer.start(transport)
        let call = Task {
            try await server.curl.run(
                EchoService.hold, ["-H", "content-type: application/connect+json"],
                body: Envelopes.frame(Data("\"on\"".utf8)))
        }
        try await self.waitForCalls(server.server, count: 1)
        await server.server.shutdown()
        let response = try await call.value
        #expect(response.status == 200)
        let frames = try #require(Envelopes.parse(response.body))
        #expect(frames.first.map { String(decoding: $0.payload, as: UTF8.self) } == "\"holding on\"")
        let error = try #require(Envelopes.endStream(frames)?["error"] as? [String: Any])
        #expect(error["code"] as? String == "unavailable")
    }

    @Test(
        "a connection that never sent a request is closed at once and does not hold up shutdown",
        .timeLimit(.minutes(1)))
    func silentConnection() async throws {
        let server = try await TestServer.start(.unixHTTP2)
        let silent = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: server.socketPath).get()
        for _ in 0..<1000 where server.server.connectionsAccepted == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(server.server.connectionsAccepted == 1)
        await server.server.shutdown()
        try await silent.closeFuture.get()
    }
}
