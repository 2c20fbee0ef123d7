import CNMAPI
import Foundation
import NIOConcurrencyHelpers
import SwiftProtobuf
import Testing

@testable import CNMClient

/// The client against a scripted HTTP/2 server: what goes on the wire and how each kind of
/// answer comes back.
@Suite("Connect transport over HTTP/2")
struct ConnectTransportTests {
    private typealias Reply = ScriptedConnectServer.Reply

    /// Runs `body` with a client of `server`, then closes both.
    private func run(
        against server: ScriptedConnectServer, codec: CNMCodec = .json,
        _ body: (CNMClient) async throws -> Void
    ) async throws {
        let client = try CNMClient(
            configuration: .init(endpoint: server.endpoint, codec: codec, defaultTimeout: .seconds(30)))
        do {
            try await body(client)
        } catch {
            await client.close()
            await server.stop()
            throw error
        }
        await client.close()
        await server.stop()
    }

    private static func network(named name: String) -> Cnm_V1_Network {
        var network = Cnm_V1_Network()
        network.id = String(repeating: "ab", count: 32)
        network.name = name
        network.driver = "bridge"
        return network
    }

    @Test("a unary JSON call posts the request to the method's path and decodes the response")
    func unaryJSON() async throws {
        let seen = RequestLog()
        let server = try await ScriptedConnectServer.start(handler: { request in
            seen.append(request)
            var response = Cnm_V1_GetNetworkResponse()
            response.network = Self.network(named: "web")
            return .json(try! response.jsonString())
        })
        try await run(against: server) { client in
            var request = Cnm_V1_GetNetworkRequest()
            request.network = "web"
            let response = try await client.getNetwork(request)
            #expect(response.network.name == "web")
            let received = try #require(seen.all.first)
            #expect(received.path == "/cnm.v1.NetworkService/GetNetwork")
            #expect(received.header(":method") == "POST")
            #expect(received.header("content-type") == "application/json")
            #expect(received.header("connect-protocol-version") == "1")
            #expect(received.header("connect-timeout-ms") == "30000")
            #expect(try Cnm_V1_GetNetworkRequest(jsonUTF8Bytes: received.body) == request)
        }
    }

    @Test("response fields the client does not know are ignored")
    func ignoresUnknownFields() async throws {
        let server = try await ScriptedConnectServer.start(handler: { _ in
            .json(#"{"network":{"name":"web","fieldFromTheFuture":{"x":1}},"another":[1]}"#)
        })
        try await run(against: server) { client in
            let response = try await client.getNetwork()
            #expect(response.network.name == "web")
        }
    }

    @Test("an empty 200 body is the default message")
    func emptyBodyIsDefault() async throws {
        let server = try await ScriptedConnectServer.start(handler: { _ in
            Reply(headers: [("content-type", "application/json")])
        })
        try await run(against: server) { client in
            let response = try await client.deleteNetwork()
            #expect(response == Cnm_V1_DeleteNetworkResponse())
        }
    }

    @Test("the proto codec sends and reads binary protobuf")
    func unaryProto() async throws {
        let server = try await ScriptedConnectServer.start(handler: { request in
            let decoded = try? Cnm_V1_CreateNetworkRequest(serializedBytes: request.body)
            var response = Cnm_V1_CreateNetworkResponse()
            response.network = Self.network(named: decoded?.name ?? "?")
            let contentType = request.header("content-type") ?? ""
            return Reply(
                headers: [("content-type", contentType)], chunks: [try! response.serializedBytes()])
        })
        try await run(against: server, codec: .proto) { client in
            var request = Cnm_V1_CreateNetworkRequest()
            request.name = "backend"
            let response = try await client.createNetwork(request)
            #expect(response.network.name == "backend")
        }
    }

    @Test("a Connect error body becomes a CNMError with the server's code and message")
    func unaryError() async throws {
        let server = try await ScriptedConnectServer.start(handler: { _ in
            .json(#"{"code":"not_found","message":"network \"nope\" not found"}"#, status: 404)
        })
        try await run(against: server) { client in
            await #expect(throws: CNMError(.notFound, #"network "nope" not found"#)) {
                try await client.getNetwork()
            }
        }
    }

    @Test("a plain error status without a body takes the code Connect infers from it")
    func unaryStatusOnly() async throws {
        let server = try await ScriptedConnectServer.start(handler: { _ in Reply(status: 415) })
        try await run(against: server) { client in
            await #expect {
                try await client.getInfo()
            } throws: { error in
                (error as? CNMError)?.code == .unknown
                    && (error as? CNMError)?.message.contains("415") == true
            }
        }
    }

    @Test("a 200 answer with another content type is a protocol error")
    func wrongContentType() async throws {
        let server = try await ScriptedConnectServer.start(handler: { _ in
            Reply(headers: [("content-type", "text/html")], chunks: [Array("<html>".utf8)])
        })
        try await run(against: server) { client in
            await #expect {
                try await client.health()
            } throws: { error in
                (error as? CNMError)?.code == .internal
            }
        }
    }

    @Test("a call that outlives its deadline fails with deadline_exceeded and says so in the header")
    func deadline() async throws {
        let seen = RequestLog()
        let server = try await ScriptedConnectServer.start(handler: { request in
            seen.append(request)
            var reply = Reply.json("{}")
            reply.pause = .seconds(30)
            return reply
        })
        try await run(against: server) { client in
            await #expect {
                try await client.health(options: .init(timeout: .milliseconds(200)))
            } throws: { error in
                (error as? CNMError)?.code == .deadlineExceeded
            }
            #expect(seen.all.first?.header("connect-timeout-ms") == "200")
        }
    }

    @Test("concurrent calls share one HTTP/2 connection")
    func multiplexes() async throws {
        let server = try await ScriptedConnectServer.start(handler: { request in
            let name = (try? Cnm_V1_GetNetworkRequest(jsonUTF8Bytes: request.body))?.network ?? ""
            var response = Cnm_V1_GetNetworkResponse()
            response.network = Self.network(named: name)
            return .json(try! response.jsonString())
        })
        try await run(against: server) { client in
            let names = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        var request = Cnm_V1_GetNetworkRequest()
                        request.network = "net\(index)"
                        return try await client.getNetwork(request).network.name
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(names == Set((0..<20).map { "net\($0)" }))
            #expect(server.connectionCount == 1)
        }
    }

    @Test("after the connection breaks, the next call connects again")
    func reconnects() async throws {
        let calls = RequestLog()
        let server = try await ScriptedConnectServer.start(handler: { request in
            calls.append(request)
            if calls.all.count == 1 {
                return Reply(
                    headers: [("content-type", "application/json")], chunks: [Array("{".utf8)],
                    closeConnectionAfterwards: true)
            }
            return .json(#"{"status":"SERVING"}"#)
        })
        try await run(against: server) { client in
            await #expect {
                try await client.health()
            } throws: { error in
                (error as? CNMError)?.code == .unavailable
            }
            let response = try await client.health()
            #expect(response.status == "SERVING")
            #expect(server.connectionCount == 2)
        }
    }

    @Test("h2c over TCP works like the Unix socket")
    func h2cOverTCP() async throws {
        let server = try await ScriptedConnectServer.start(
            tcp: true,
            handler: { request in
                .json(#"{"version":"0.1.0","apiVersion":"v1"}"#)
            })
        try await run(against: server) { client in
            guard case .h2c = server.endpoint else {
                Issue.record("expected a TCP endpoint, got \(server.endpoint)")
                return
            }
            let response = try await client.getVersion()
            #expect(response.apiVersion == "v1")
        }
    }

    @Test("a socket nobody listens on gives unavailable, naming the endpoint")
    func unreachable() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cnm-absent.sock").path
        let client = try CNMClient(endpoint: .unix(path: path))
        await #expect {
            try await client.health()
        } throws: { error in
            guard let error = error as? CNMError else { return false }
            return error.code == .unavailable && error.message.contains("unix://\(path)")
        }
        await client.close()
    }

    @Test("calls after close fail with canceled")
    func closed() async throws {
        let server = try await ScriptedConnectServer.start(handler: { _ in .json("{}") })
        try await run(against: server) { client in
            _ = try await client.health()
            await client.close()
            await #expect(throws: CNMError(.canceled, "the client is closed")) {
                try await client.health()
            }
        }
    }

    // MARK: Server streaming

    @Test("a stream yields each enveloped message, however the frames cut them")
    func streamMessages() async throws {
        let seen = RequestLog()
        let server = try await ScriptedConnectServer.start(handler: { request in
            seen.append(request)
            let wire = event("create") + event("connect") + event("delete") + end("{}")
            // Cut the bytes at odd places: across headers, lengths and payloads.
            let chunks = stride(from: 0, to: wire.count, by: 7).map {
                Array(wire[$0..<min($0 + 7, wire.count)])
            }
            return Reply(headers: streamHeaders, chunks: chunks)
        })
        try await run(against: server) { client in
            var request = Cnm_V1_WatchEventsRequest()
            request.filters["type"] = .with { $0.values = ["network"] }
            var actions: [String] = []
            for try await response in client.watchEvents(request) {
                actions.append(response.event.action)
            }
            #expect(actions == ["create", "connect", "delete"])
            let received = try #require(seen.all.first)
            #expect(received.path == "/cnm.v1.SystemService/WatchEvents")
            #expect(received.header("content-type") == "application/connect+json")
            #expect(received.header("connect-timeout-ms") == nil)
            var decoder = ConnectEnvelopeDecoder(maxPayloadLength: 1 << 20)
            decoder.append(received.body)
            let envelope = try #require(try decoder.next())
            #expect(envelope.flags == [])
            #expect(try Cnm_V1_WatchEventsRequest(jsonUTF8Bytes: envelope.payload) == request)
        }
    }

    @Test("an end-of-stream error ends the iteration with that error, after the messages before it")
    func streamEndsWithError() async throws {
        let server = try await ScriptedConnectServer.start(handler: { _ in
            Reply(
                headers: streamHeaders,
                chunks: [
                    event("create"), end(#"{"error":{"code":"resource_exhausted","message":"too slow"}}"#),
                ])
        })
        try await run(against: server) { client in
            var actions: [String] = []
            await #expect(throws: CNMError(.resourceExhausted, "too slow")) {
                for try await response in client.watchEvents() { actions.append(response.event.action) }
            }
            #expect(actions == ["create"])
        }
    }

    @Test("a stream that ends without an end-of-stream message fails with a protocol error")
    func streamWithoutEnd() async throws {
        let server = try await ScriptedConnectServer.start(handler: { _ in
            Reply(headers: streamHeaders, chunks: [event("create")])
        })
        try await run(against: server) { client in
            await #expect {
                for try await _ in client.watchEvents() {}
            } throws: { error in
                (error as? CNMError)?.code == .internal
            }
        }
    }

    @Test("a stream refused with an HTTP error reads the error like a unary call")
    func streamRefused() async throws {
        let server = try await ScriptedConnectServer.start(handler: { _ in
            .json(#"{"code":"invalid_argument","message":"unknown filter \"colour\""}"#, status: 400)
        })
        try await run(against: server) { client in
            await #expect(throws: CNMError(.invalidArgument, #"unknown filter "colour""#)) {
                for try await _ in client.watchEvents() {}
            }
        }
    }

    @Test("a consumer may stop iterating early, and the connection stays usable")
    func streamAbandoned() async throws {
        let server = try await ScriptedConnectServer.start(handler: { request in
            if request.path.hasSuffix("/Health") { return .json(#"{"status":"SERVING"}"#) }
            return Reply(headers: streamHeaders, chunks: [event("create"), event("delete"), end("{}")])
        })
        try await run(against: server) { client in
            for try await response in client.watchEvents() {
                #expect(response.event.action == "create")
                break
            }
            let response = try await client.health()
            #expect(response.status == "SERVING")
            #expect(server.connectionCount == 1)
        }
    }
}

// MARK: Stream wire helpers

private func event(_ action: String) -> [UInt8] {
    var response = Cnm_V1_WatchEventsResponse()
    response.event.type = "network"
    response.event.action = action
    return ConnectEnvelope(payload: try! response.jsonUTF8Bytes()).encoded
}

private func end(_ json: String) -> [UInt8] {
    ConnectEnvelope(flags: .endStream, payload: Array(json.utf8)).encoded
}

private let streamHeaders = [("content-type", "application/connect+json")]

/// The requests a scripted server saw, in order.
final class RequestLog: Sendable {
    private let requests = NIOLockedValueBox<[ScriptedConnectServer.Request]>([])

    func append(_ request: ScriptedConnectServer.Request) {
        requests.withLockedValue { $0.append(request) }
    }

    var all: [ScriptedConnectServer.Request] { requests.withLockedValue { $0 } }
}
