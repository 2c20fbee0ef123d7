import CNMServer
import Foundation
import SwiftProtobuf
import Testing

/// Server-streaming Connect calls from curl, with envelopes made by the test.
@Suite("Connect server streams from curl")
struct ConnectStreamTests {
    let connectJSON = ["-H", "content-type: application/connect+json", "-H", "connect-protocol-version: 1"]

    @Test(
        "a JSON stream answers 200, one envelope per message, then an empty end-stream",
        arguments: Transport.allCases)
    func jsonStream(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.count, self.connectJSON, body: Envelopes.frame(Data("3".utf8)))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/connect+json")
            let frames = try #require(Envelopes.parse(response.body))
            #expect(frames.map(\.flags) == [0, 0, 0, 2])
            #expect(frames.dropLast().map { String(decoding: $0.payload, as: UTF8.self) } == ["1", "2", "3"])
            let end = try #require(Envelopes.endStream(frames))
            #expect(end.isEmpty)
        }
    }

    @Test("a proto stream carries binary messages and a JSON end-stream", arguments: [Transport.unixHTTP2])
    func protoStream(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let request: Data = try Google_Protobuf_UInt32Value(2).serializedBytes()
            let response = try await server.curl.run(
                EchoService.count, ["-H", "content-type: application/connect+proto"],
                body: Envelopes.frame(request))
            #expect(response.headers["content-type"] == "application/connect+proto")
            let frames = try #require(Envelopes.parse(response.body))
            #expect(frames.count == 3)
            let numbers = try frames.dropLast().map {
                try Google_Protobuf_UInt32Value(serializedBytes: $0.payload).value
            }
            #expect(numbers == [1, 2])
            #expect(Envelopes.endStream(frames)?.isEmpty == true)
        }
    }

    @Test(
        "a handler error ends the stream with HTTP 200 and the error in the end-stream",
        arguments: [Transport.tcpHTTP2, Transport.unixHTTP1])
    func streamError(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.count, self.connectJSON, body: Envelopes.frame(Data("150".utf8)))
            #expect(response.status == 200)
            let frames = try #require(Envelopes.parse(response.body))
            #expect(frames.count == Int(EchoService.countLimit))
            let error = try #require(Envelopes.endStream(frames)?["error"] as? [String: Any])
            #expect(error["code"] as? String == "resource_exhausted")
            #expect(error["message"] as? String == "cannot count to 150")
        }
    }

    @Test(
        "a compressed request envelope is decompressed with connect-content-encoding",
        arguments: [Transport.unixHTTP2])
    func compressedEnvelope(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let compressed = try await Command.gzip(Data("2".utf8))
            let response = try await server.curl.run(
                EchoService.count, self.connectJSON + ["-H", "connect-content-encoding: gzip"],
                body: Envelopes.frame(compressed, flags: 1))
            let frames = try #require(Envelopes.parse(response.body))
            #expect(frames.count == 3)
            #expect(Envelopes.endStream(frames)?.isEmpty == true)
        }
    }

    @Test(
        "a stream method refuses unary content types with 415 and Accept-Post",
        arguments: [Transport.tcpHTTP2])
    func streamRefusesUnaryContentType(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.count, ["-H", "content-type: application/json"], body: Data("3".utf8))
            #expect(response.status == 415)
            #expect(response.headers["accept-post"] == "application/connect+json, application/connect+proto")
        }
    }

    @Test("a unary method refuses streaming content types with 415", arguments: [Transport.tcpHTTP2])
    func unaryRefusesStreamContentType(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.echo, self.connectJSON, body: Envelopes.frame(Data("\"x\"".utf8)))
            #expect(response.status == 415)
        }
    }

    @Test(
        "protocol errors after a stream is accepted travel in the end-stream with HTTP 200",
        arguments: [Transport.unixHTTP2])
    func protocolErrorsInEndStream(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let badTimeout = try await server.curl.run(
                EchoService.count, self.connectJSON + ["-H", "connect-timeout-ms: soon"],
                body: Envelopes.frame(Data("1".utf8)))
            #expect(badTimeout.status == 200)
            let timeoutError = try #require(Envelopes.endStream(Envelopes.parse(badTimeout.body) ?? []))
            #expect((timeoutError["error"] as? [String: Any])?["code"] as? String == "invalid_argument")

            let unframed = try await server.curl.run(
                EchoService.count, self.connectJSON, body: Data("1".utf8))
            #expect(unframed.status == 200)
            let framingError = try #require(Envelopes.endStream(Envelopes.parse(unframed.body) ?? []))
            #expect((framingError["error"] as? [String: Any])?["code"] as? String == "invalid_argument")

            let brotli = try await server.curl.run(
                EchoService.count, self.connectJSON + ["-H", "connect-content-encoding: br"],
                body: Envelopes.frame(Data("1".utf8)))
            let encodingError = try #require(Envelopes.endStream(Envelopes.parse(brotli.body) ?? []))
            #expect((encodingError["error"] as? [String: Any])?["code"] as? String == "unimplemented")
        }
    }
}
