import CNMServer
import Foundation
import Testing

/// The connection limits of ``ServerLimits``.
@Suite("Connection limits")
struct LimitsTests {
    @Test(
        "headers up to 16 KiB are served; a larger header block ends the request, and the server stays up",
        arguments: Transport.allCases)
    func headerListLimit(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let json = ["-H", "content-type: application/json"]
            let fits = try await server.curl.run(
                EchoService.echo, json + ["-H", "x-pad: " + String(repeating: "a", count: 8 << 10)],
                body: Data("\"fits\"".utf8))
            #expect(fits.status == 200)
            let tooBig = try await server.curl.run(
                EchoService.echo, json + ["-H", "x-pad: " + String(repeating: "a", count: 20 << 10)],
                body: Data("\"big\"".utf8))
            #expect(tooBig.status != 200)
            if !transport.isHTTP2 {
                #expect(tooBig.status == 400)
            }
            let after = try await server.curl.run(EchoService.echo, json, body: Data("\"after\"".utf8))
            #expect(after.status == 200)
        }
    }
}
