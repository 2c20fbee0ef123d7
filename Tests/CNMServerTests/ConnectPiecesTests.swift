import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import CNMServer

/// The protocol's building blocks, without a network.
@Suite("Connect building blocks")
struct ConnectPiecesTests {
    @Test("a form query turns + into a space and decodes percent escapes, upper or lower case")
    func formQuery() {
        let query = FormQuery("a=x+y%2By&b=%7b%7D&c&encoding=json&bad=%zz")
        #expect(query.string("a") == "x y+y")
        #expect(query.string("b") == "{}")
        #expect(query.string("c") == "")
        #expect(query.string("bad") == "%zz")
        #expect(query.string("missing") == nil)
    }

    @Test("URL-safe base64 decodes with and without padding; garbage does not")
    func base64URL() {
        let bytes: [UInt8] = [0xFB, 0xFF, 0xBF, 0x01]
        let standard = Data(bytes).base64EncodedString()
        let urlSafe = standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_")
        #expect(FormQuery.decodeBase64URL(Array(urlSafe.utf8)) == bytes)
        #expect(
            FormQuery.decodeBase64URL(Array(urlSafe.replacingOccurrences(of: "=", with: "").utf8)) == bytes)
        #expect(FormQuery.decodeBase64URL(Array("a".utf8)) == nil)
        #expect(FormQuery.decodeBase64URL(Array("!!!!".utf8)) == nil)
    }

    @Test("envelopes round-trip; truncated frames, end-stream flags and oversized lengths are refused")
    func envelopes() throws {
        let first = Envelope(flags: [], message: ByteBuffer(string: "one"))
        let second = Envelope(flags: .compressed, message: ByteBuffer(string: "two!"))
        var body = first.encoded
        body.writeImmutableBuffer(second.encoded)
        #expect(try Envelope.parseAll(body, limit: 10) == [first, second])
        #expect(Array(first.encoded.readableBytesView.prefix(5)) == [0, 0, 0, 0, 3])

        #expect(throws: ConnectError.self) { try Envelope.parseAll(ByteBuffer(bytes: [0, 0, 0]), limit: 10) }
        #expect(throws: ConnectError.self) {
            try Envelope.parseAll(ByteBuffer(bytes: [0, 0, 0, 0, 9, 1]), limit: 10)
        }
        #expect(throws: ConnectError.self) {
            try Envelope.parseAll(Envelope(flags: .endStream, message: ByteBuffer()).encoded, limit: 10)
        }
        do {
            _ = try Envelope.parseAll(ByteBuffer(bytes: [0, 0, 0, 1, 0]), limit: 10)
            Issue.record("a 256-byte length passed a 10-byte limit")
        } catch {
            #expect(error.code == .resourceExhausted)
        }
    }

    @Test("connect-timeout-ms takes 1 to 10 digits and becomes a deadline that far ahead")
    func timeoutHeader() throws {
        let now = ContinuousClock.now
        #expect(try Deadline.parse(nil, now: now) == nil)
        #expect(try Deadline.parse("1500", now: now) == now.advanced(by: .milliseconds(1500)))
        #expect(try Deadline.parse("9999999999", now: now) == now.advanced(by: .milliseconds(9_999_999_999)))
        for bad in ["", "12345678901", "1.5", "+10", " 10", "ten"] {
            #expect(throws: ConnectError.self, "\(bad)") { try Deadline.parse(bad, now: now) }
        }
    }

    @Test("every Connect code has the HTTP status of the protocol's table")
    func statusTable() {
        let table: [String: Int] = [
            "canceled": 499, "unknown": 500, "invalid_argument": 400, "deadline_exceeded": 504,
            "not_found": 404,
            "already_exists": 409, "permission_denied": 403, "resource_exhausted": 429,
            "failed_precondition": 400, "aborted": 409, "out_of_range": 400, "unimplemented": 501,
            "internal": 500, "unavailable": 503, "data_loss": 500, "unauthenticated": 401,
        ]
        #expect(Set(ConnectError.Code.allCases.map(\.rawValue)) == Set(table.keys))
        for code in ConnectError.Code.allCases {
            #expect(Int(code.httpStatus.code) == table[code.rawValue], "\(code)")
        }
    }

    @Test("the error body is JSON with code and message, the message left out when empty")
    func errorBody() throws {
        let body = try JSONSerialization.jsonObject(with: ConnectError(.notFound, "no \"x\"").jsonBody)
        #expect(body as? [String: String] == ["code": "not_found", "message": "no \"x\""])
        let bare = try JSONSerialization.jsonObject(with: ConnectError(.internal, "").jsonBody)
        #expect(bare as? [String: String] == ["code": "internal"])
    }

    @Test("media types are matched without regard to case, spaces or quoted charset")
    func mediaTypes() {
        #expect(CallAdmission.unaryCodec("Application/JSON")?.0 == .json)
        #expect(
            CallAdmission.unaryCodec("application/json;charset=\"utf-8\"")?.1
                == "application/json; charset=utf-8")
        #expect(CallAdmission.unaryCodec("application/proto")?.0 == .proto)
        #expect(CallAdmission.unaryCodec("application/json; charset=latin1") == nil)
        #expect(CallAdmission.unaryCodec("application/connect+json") == nil)
        #expect(CallAdmission.unaryCodec(nil) == nil)
        #expect(CallAdmission.streamCodec("application/connect+proto")?.0 == .proto)
        #expect(CallAdmission.streamCodec("application/json") == nil)
    }

    @Test("a routing prefix before /pkg.Service/Method is allowed")
    func routingPrefix() {
        let router = EchoService.router()
        #expect(CallAdmission.lookUp("/api/v9" + EchoService.echo, in: router)?.procedure == EchoService.echo)
        #expect(CallAdmission.lookUp(EchoService.echo, in: router)?.procedure == EchoService.echo)
        #expect(CallAdmission.lookUp("/test.v1.EchoService", in: router) == nil)
    }

    @Test("the HTTP/2 preface is recognised from its first bytes on")
    func preface() {
        let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        #expect(HTTPVersionDetector.detect(preface) == .http2)
        #expect(HTTPVersionDetector.detect(preface + [1, 2, 3]) == .http2)
        #expect(HTTPVersionDetector.detect(preface.prefix(10)) == nil)
        #expect(HTTPVersionDetector.detect(Array("POST / HTTP/1.1\r\n".utf8)) == .http1)
        #expect(HTTPVersionDetector.detect(Array("PRIX".utf8)) == .http1)
        #expect(HTTPVersionDetector.detect([UInt8]()) == nil)
    }

    @Test("shutdown cancels running streams but waits for unary calls")
    func activeCallsDrain() async throws {
        let calls = ActiveCalls()
        let (unaryGate, openGate) = AsyncStream<Void>.makeStream()
        let (streamEnded, markStreamEnded) = AsyncStream<Bool>.makeStream()
        calls.start(streaming: false) {
            for await _ in unaryGate { break }
        }
        calls.start(streaming: true) {
            try? await Task.sleep(for: .seconds(3600))
            markStreamEnded.yield(Task.isCancelled)
        }
        #expect(calls.count == 2)
        async let drained: Void = calls.drain()
        var iterator = streamEnded.makeAsyncIterator()
        #expect(await iterator.next() == true, "the stream saw cancellation")
        #expect(calls.count == 1, "the unary call still runs")
        openGate.yield()
        await drained
        #expect(calls.count == 0)
    }
}
