import CNMServer
import Foundation
import SwiftProtobuf
import Testing

/// Unary Connect calls from curl, over every transport the server offers.
@Suite("Connect unary calls from curl")
struct ConnectUnaryTests {
    let json = ["-H", "content-type: application/json", "-H", "connect-protocol-version: 1"]

    @Test("a JSON POST is answered 200 with a JSON body on the same protocol", arguments: Transport.allCases)
    func jsonPost(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.echo, self.json, body: Data("\"hello\"".utf8))
            #expect(response.exitCode == 0, "\(response.stderr)")
            #expect(response.status == 200)
            #expect(response.httpVersion == (transport.isHTTP2 ? "2" : "1.1"))
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.bodyText == "\"echo: hello\"")
        }
    }

    @Test(
        "JSON with charset=utf-8 is accepted and echoed as the content type", arguments: [Transport.unixHTTP2]
    )
    func jsonCharset(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.echo, ["-H", "content-type: application/json; charset=UTF-8"],
                body: Data("\"x\"".utf8))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json; charset=utf-8")
        }
    }

    @Test("unknown JSON fields are ignored", arguments: [Transport.tcpHTTP2])
    func unknownFieldsIgnored(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.source, self.json,
                body: Data(#"{"fileName": "a.proto", "addedLater": [1, 2]}"#.utf8))
            #expect(response.status == 200, "\(response.bodyText)")
            #expect(response.json?["fileName"] as? String == "a.proto")
            #expect(response.json?["addedLater"] == nil)
        }
    }

    @Test("a binary protobuf POST is answered with application/proto", arguments: Transport.allCases)
    func protoPost(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let request: Data = try Google_Protobuf_StringValue("binary").serializedBytes()
            let response = try await server.curl.run(
                EchoService.echo, ["-H", "content-type: application/proto"], body: request)
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/proto")
            let decoded = try Google_Protobuf_StringValue(serializedBytes: response.body)
            #expect(decoded.value == "echo: binary")
        }
    }

    @Test("a gzip-compressed request body is decompressed", arguments: Transport.allCases)
    func gzipBody(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let compressed = try await Command.gzip(Data("\"zipped\"".utf8))
            let response = try await server.curl.run(
                EchoService.echo, self.json + ["-H", "content-encoding: gzip"], body: compressed)
            #expect(response.status == 200, "\(response.bodyText)")
            #expect(response.bodyText == "\"echo: zipped\"")
        }
    }

    @Test("an empty body is the default message, never decompressed", arguments: [Transport.unixHTTP1])
    func emptyBody(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.echo, self.json + ["-H", "content-encoding: gzip"], body: Data())
            #expect(response.status == 200)
            #expect(response.bodyText == "\"echo: \"")
        }
    }

    @Test(
        "an unknown content-encoding is unimplemented and the message lists gzip",
        arguments: [Transport.tcpHTTP2])
    func unknownEncoding(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.echo, self.json + ["-H", "content-encoding: br"], body: Data("\"x\"".utf8))
            #expect(response.status == 501)
            #expect(response.json?["code"] as? String == "unimplemented")
            #expect((response.json?["message"] as? String)?.contains("gzip") == true)
        }
    }

    @Test(
        "an unknown procedure is 404 with code unimplemented naming the path", arguments: Transport.allCases)
    func unknownProcedure(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                "/test.v1.EchoService/Nope", self.json, body: Data("{}".utf8))
            #expect(response.status == 404)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.json?["code"] as? String == "unimplemented")
            #expect((response.json?["message"] as? String)?.contains("/test.v1.EchoService/Nope") == true)
        }
    }

    @Test("an unsupported content type is a plain 415 with Accept-Post", arguments: Transport.allCases)
    func unsupportedMediaType(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.echo, ["-H", "content-type: text/plain"], body: Data("hello".utf8))
            #expect(response.status == 415)
            #expect(response.headers["accept-post"]?.contains("application/json") == true)
            #expect(response.headers["accept-post"]?.contains("application/proto") == true)
            #expect(response.body.isEmpty)
        }
    }

    @Test("a method other than POST or GET is a plain 405 with Allow", arguments: Transport.allCases)
    func methodNotAllowed(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let put = try await server.curl.run(
                EchoService.echo, self.json + ["-X", "PUT"], body: Data("{}".utf8))
            #expect(put.status == 405)
            #expect(put.headers["allow"] == "POST")
            let get = try await server.curl.run(EchoService.echo + "?encoding=json&message=%22x%22")
            #expect(get.status == 405, "GET is only for methods without side effects")
            let delete = try await server.curl.run(EchoService.inspect, ["-X", "DELETE"])
            #expect(delete.status == 405)
            #expect(delete.headers["allow"] == "GET, POST")
        }
    }

    @Test(
        "a handler's Connect error keeps its code and message and maps to the HTTP status",
        arguments: [Transport.unixHTTP2, Transport.tcpHTTP1])
    func handlerError(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.fail, ["-H", "content-type: application/proto"],
                body: try Google_Protobuf_StringValue("blue").serializedBytes())
            #expect(response.status == 404)
            #expect(response.headers["content-type"] == "application/json", "errors are always JSON")
            #expect(response.json?["code"] as? String == "not_found")
            #expect(response.json?["message"] as? String == "network blue not found")
        }
    }

    @Test("malformed JSON is invalid_argument", arguments: [Transport.unixHTTP2])
    func malformedJSON(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.echo, self.json, body: Data("{not json".utf8))
            #expect(response.status == 400)
            #expect(response.json?["code"] as? String == "invalid_argument")
        }
    }

    @Test("connect-protocol-version other than 1 is invalid_argument", arguments: [Transport.tcpHTTP2])
    func wrongProtocolVersion(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.echo,
                ["-H", "content-type: application/json", "-H", "connect-protocol-version: 2"],
                body: Data("\"x\"".utf8))
            #expect(response.status == 400)
            #expect(response.json?["code"] as? String == "invalid_argument")
        }
    }

    @Test(
        "a connect-timeout-ms that is not 1 to 10 digits is invalid_argument",
        arguments: ["abc", "12345678901", "-5", "1e3"])
    func badTimeoutHeader(value: String) async throws {
        try await TestServer.with(.unixHTTP2) { server in
            let response = try await server.curl.run(
                EchoService.echo, self.json + ["-H", "connect-timeout-ms: \(value)"], body: Data("\"x\"".utf8)
            )
            #expect(response.status == 400)
            #expect(response.json?["code"] as? String == "invalid_argument")
            #expect((response.json?["message"] as? String)?.contains("connect-timeout-ms") == true)
        }
    }

    @Test(
        "a call that outlives connect-timeout-ms ends with deadline_exceeded",
        arguments: [Transport.unixHTTP2, Transport.tcpHTTP1])
    func deadlineExceeded(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let slow = try await server.curl.run(
                EchoService.sleep, self.json + ["-H", "connect-timeout-ms: 50"], body: Data("60000".utf8))
            #expect(slow.status == 504)
            #expect(slow.json?["code"] as? String == "deadline_exceeded")
            let quick = try await server.curl.run(
                EchoService.sleep, self.json + ["-H", "connect-timeout-ms: 60000"], body: Data("1".utf8))
            #expect(quick.status == 200)
            #expect(quick.bodyText == "\"slept 1 ms\"")
        }
    }

    @Test("a body over 4 MiB is resource_exhausted", arguments: Transport.allCases)
    func oversizedBody(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let big = Data("\"".utf8) + Data(repeating: UInt8(ascii: "a"), count: 4 << 20) + Data("\"".utf8)
            let response = try await server.curl.run(EchoService.echo, self.json, body: big)
            #expect(response.status == 429)
            #expect(response.json?["code"] as? String == "resource_exhausted")
            // The connection still serves the next call.
            let next = try await server.curl.run(EchoService.echo, self.json, body: Data("\"after\"".utf8))
            #expect(next.status == 200)
        }
    }

    @Test(
        "a small gzip body that inflates beyond 4 MiB is resource_exhausted", arguments: [Transport.unixHTTP2]
    )
    func oversizedAfterDecompression(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let big = Data("\"".utf8) + Data(repeating: UInt8(ascii: "a"), count: 5 << 20) + Data("\"".utf8)
            let compressed = try await Command.gzip(big)
            #expect(compressed.count < 1 << 20)
            let response = try await server.curl.run(
                EchoService.echo, self.json + ["-H", "content-encoding: gzip"], body: compressed)
            #expect(response.status == 429)
            #expect(response.json?["code"] as? String == "resource_exhausted")
        }
    }
}
