import CNMServer
import Foundation
import Testing

/// Connect GET requests for methods without side effects.
@Suite("Connect GET requests from curl")
struct ConnectGetTests {
    @Test("a GET with a form-encoded JSON message reads + as a space", arguments: Transport.allCases)
    func plainMessage(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let response = try await server.curl.run(
                EchoService.inspect,
                [
                    "-G", "--data-urlencode", "connect=v1", "--data-urlencode", "encoding=json",
                    "--data-urlencode", #"message={"name": "a b+c"}"#,
                ])
            #expect(response.status == 200, "\(response.bodyText)")
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.json?["name"] as? String == "a b+c")
            #expect(response.json?["procedure"] as? String == EchoService.inspect)
        }
    }

    @Test(
        "a GET with base64=1 decodes URL-safe base64 with or without padding",
        arguments: [Transport.unixHTTP2])
    func base64Message(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            // Standard base64 of this payload holds "+", "/" and padding, so every variant is tried.
            let payload = Data(#"{"k": "???>>>" }"#.utf8)
            let standard = payload.base64EncodedString()
            try #require(standard.contains("+") && standard.contains("/") && standard.hasSuffix("=="))
            let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(
                of: "/", with: "_")
            for message in [
                urlSafe, urlSafe.replacingOccurrences(of: "=", with: "%3D"),
                urlSafe.replacingOccurrences(of: "=", with: ""),
            ] {
                let response = try await server.curl.run(
                    EchoService.inspect + "?encoding=json&base64=1&connect=v1&message=\(message)")
                #expect(response.status == 200, "\(response.bodyText)")
                #expect(response.json?["k"] as? String == "???>>>")
            }
        }
    }

    @Test("a GET with compression=gzip decompresses the base64 message", arguments: [Transport.tcpHTTP1])
    func gzipMessage(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let compressed = try await Command.gzip(Data(#"{"zipped": true}"#.utf8))
            let message = compressed.base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            let response = try await server.curl.run(
                EchoService.inspect + "?connect=v1&base64=1&compression=gzip&encoding=json&message=\(message)"
            )
            #expect(response.status == 200, "\(response.bodyText)")
            #expect(response.json?["zipped"] as? Bool == true)
        }
    }

    @Test(
        "a GET without encoding or message is invalid_argument; an unknown encoding or a body is 415",
        arguments: [Transport.unixHTTP2])
    func missingParameters(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let noEncoding = try await server.curl.run(EchoService.inspect + "?message=%7B%7D")
            #expect(noEncoding.status == 400)
            #expect(noEncoding.json?["code"] as? String == "invalid_argument")
            let noMessage = try await server.curl.run(EchoService.inspect + "?encoding=json")
            #expect(noMessage.status == 400)
            let badEncoding = try await server.curl.run(EchoService.inspect + "?encoding=xml&message=x")
            #expect(badEncoding.status == 415)
            let withBody = try await server.curl.run(
                EchoService.inspect + "?encoding=json&message=%7B%7D", ["-X", "GET"], body: Data("{}".utf8))
            #expect(withBody.status == 415, "a GET carries its message in the query, never in a body")
        }
    }
}
