import CNMClient
import Foundation
import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP1
import NIOHTTP2
import SwiftProtobuf
import Testing

@testable import CNMServer

/// HTTP/1.1 connections and HTTP/2 streams share one call handler with a framing each; the
/// answers must not depend on the version.
@Suite("HTTP/1.1 and HTTP/2 framing")
struct ConnectFramingTests {
    /// One request of the comparison: a name for messages, the path, curl arguments and a body.
    struct Request: CustomStringConvertible, Sendable {
        var description: String
        var path: String
        var arguments: [String]
        var body: Data?
    }

    static let json = ["-H", "content-type: application/json"]
    static let requests: [Request] = [
        Request(
            description: "task handler", path: EchoService.echo, arguments: json, body: Data("\"a\"".utf8)),
        Request(
            description: "synchronous handler", path: EchoService.shout, arguments: json,
            body: Data("\"b\"".utf8)),
        Request(
            description: "synchronous handler error", path: EchoService.shout, arguments: json,
            body: Data("\"\"".utf8)),
        Request(
            description: "task handler error", path: EchoService.fail, arguments: json,
            body: Data("\"n\"".utf8)),
        Request(
            description: "binary protobuf", path: EchoService.echo,
            arguments: ["-H", "content-type: application/proto"],
            body: Data(try! Google_Protobuf_StringValue("p").serializedBytes() as [UInt8])),
        Request(
            description: "unknown procedure", path: "/test.v1.EchoService/Nope", arguments: json, body: Data()
        ),
        Request(
            description: "unsupported content type", path: EchoService.echo,
            arguments: ["-H", "content-type: text/plain"], body: Data("x".utf8)),
        Request(
            description: "GET of a synchronous handler",
            path: EchoService.shout + "?encoding=json&message=%22get%22", arguments: [], body: nil),
        Request(
            description: "GET of a task handler", path: EchoService.inspect + "?encoding=json&message=%7B%7D",
            arguments: [], body: nil),
        Request(
            description: "empty body", path: EchoService.echo, arguments: json, body: Data()),
    ]

    @Test(
        "the same request over HTTP/1.1 and HTTP/2 gets the same status, headers and body",
        arguments: Self.requests)
    func sameAnswerOnBothVersions(request: Request) async throws {
        try await TestServer.with(.unixHTTP2) { server in
            let http1 = Curl(
                connectArguments: ["--unix-socket", server.socketPath, "--http1.1"],
                baseURL: "http://localhost")
            let overHTTP2 = try await server.curl.run(request.path, request.arguments, body: request.body)
            let overHTTP1 = try await http1.run(request.path, request.arguments, body: request.body)
            #expect(overHTTP2.httpVersion == "2")
            #expect(overHTTP1.httpVersion == "1.1")
            #expect(overHTTP2.status == overHTTP1.status)
            #expect(overHTTP2.body == overHTTP1.body, "\(overHTTP2.bodyText) / \(overHTTP1.bodyText)")
            for name in ["content-type", "content-length", "accept-encoding", "accept-post", "allow"] {
                #expect(overHTTP2.headers[name] == overHTTP1.headers[name], "\(name)")
            }
        }
    }

    @Test(
        "a synchronous handler answers on every transport, sees its call's context, and its errors are Connect errors",
        arguments: Transport.allCases)
    func synchronousHandler(transport: Transport) async throws {
        try await TestServer.with(transport) { server in
            let answer = try await server.curl.run(EchoService.shout, Self.json, body: Data("\"hi\"".utf8))
            #expect(answer.status == 200)
            #expect(answer.headers["content-type"] == "application/json")
            #expect(answer.bodyText == "\"HI (\(EchoService.shout))\"")

            let failure = try await server.curl.run(EchoService.shout, Self.json, body: Data("\"\"".utf8))
            #expect(failure.status == 400)
            #expect(failure.json?["code"] as? String == "invalid_argument")
            #expect(failure.json?["message"] as? String == "nothing to shout")
        }
    }

    @Test(
        "1,000 concurrent calls to a synchronous handler over one HTTP/2 connection all get their own answer")
    func concurrentSynchronousCalls() async throws {
        try await TestServer.with(.unixHTTP2) { server in
            let client = try CNMClient(
                configuration: CNMClientConfiguration(endpoint: .unix(path: server.socketPath)))
            let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<1000 {
                    group.addTask {
                        let response = try await client.unary(
                            index.isMultiple(of: 2) ? EchoService.shout : EchoService.echo,
                            Google_Protobuf_StringValue("call \(index)"),
                            returning: Google_Protobuf_StringValue.self)
                        return (index, response.value)
                    }
                }
                var answers: [Int: String] = [:]
                for try await (index, value) in group { answers[index] = value }
                return answers
            }
            #expect(
                (0..<1000).allSatisfy {
                    answers[$0]
                        == ($0.isMultiple(of: 2) ? "CALL \($0) (\(EchoService.shout))" : "echo: call \($0)")
                })
            #expect(server.server.connectionsAccepted == 1)
            await client.close()
        }
    }

    @Test("an HTTP/2 header block becomes a request head: method, path, authority as host, the other fields")
    func http2RequestHead() throws {
        let block = HPACKHeaders([
            (":method", "POST"), (":scheme", "http"), (":authority", "localhost"),
            (":path", "/pkg.S/M?x=1"), ("content-type", "application/json"), ("x-custom", "a"),
        ])
        let piece = HTTP2Framing.read(.headers(.init(headers: block, endStream: true)))
        let head = try #require(piece.head)
        #expect(head.method == .POST)
        #expect(head.uri == "/pkg.S/M?x=1")
        #expect(head.headers["host"] == ["localhost"])
        #expect(head.headers["content-type"] == ["application/json"])
        #expect(head.headers["x-custom"] == ["a"])
        #expect(!head.headers.contains { $0.name.hasPrefix(":") })
        #expect(piece.isEnd)

        // Trailers carry no request head; only their END_STREAM counts.
        let trailers = HTTP2Framing.read(
            .headers(.init(headers: HPACKHeaders([("x-t", "1")]), endStream: true)))
        #expect(trailers.head == nil && trailers.isEnd)
        let data = HTTP2Framing.read(
            .data(.init(data: .byteBuffer(ByteBuffer(string: "abc")), endStream: false)))
        #expect(data.body == ByteBuffer(string: "abc") && !data.isEnd)
    }

    @Test("an HTTP/2 reply is one HEADERS frame and at most one DATA frame, the last one ending the stream")
    func http2ReplyFrames() throws {
        var frames: [HTTP2Frame.FramePayload] = []
        HTTP2Framing.messages(
            of: HTTPReply(
                status: .ok, headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{}"))
        ) { frames.append($0) }
        #expect(frames.count == 2)
        guard case .headers(let headers) = frames.first, case .data(let data) = frames.last else {
            Issue.record("expected HEADERS then DATA, got \(frames)")
            return
        }
        #expect(!headers.endStream)
        #expect(headers.headers[":status"] == ["200"])
        #expect(headers.headers["content-type"] == ["application/json"])
        #expect(headers.headers["content-length"] == ["2"])
        #expect(headers.headers.allSatisfy { $0.name == $0.name.lowercased() })
        #expect(data.endStream)

        frames = []
        HTTP2Framing.messages(of: .plain(.methodNotAllowed, headers: ["allow": "POST"])) { frames.append($0) }
        #expect(frames.count == 1)
        guard case .headers(let only) = frames.first else {
            Issue.record("expected one HEADERS frame, got \(frames)")
            return
        }
        #expect(only.endStream)
        #expect(only.headers[":status"] == ["405"])
        #expect(only.headers["content-length"] == ["0"])
    }

    @Test("flushes made during a batch reach the socket once, after the batch; a close sends a held flush")
    func flushCoalescing() throws {
        let counter = FlushCounter()
        let coalescer = FlushCoalescer()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([counter, coalescer])
        coalescer.holdingFlushes {
            for index in 0..<5 {
                channel.write(ByteBuffer(string: "\(index)"), promise: nil)
                channel.flush()
            }
            #expect(counter.flushes == 0)
        }
        #expect(counter.flushes == 1)
        channel.flush()
        #expect(counter.flushes == 2)

        coalescer.holdingFlushes {
            channel.flush()
            channel.close(promise: nil)
        }
        #expect(counter.flushes == 3)
    }

    @Test("a remembered encoding is reused only for an equal response, per codec")
    func encodedResponseMemo() throws {
        let memo = EncodedResponseMemo<Google_Protobuf_StringValue>()
        let first = try memo.encode(Google_Protobuf_StringValue("one"), with: .json)
        #expect(first == Array("\"one\"".utf8))
        #expect(try memo.encode(Google_Protobuf_StringValue("one"), with: .json) == first)
        #expect(try memo.encode(Google_Protobuf_StringValue("two"), with: .json) == Array("\"two\"".utf8))
        let proto = try memo.encode(Google_Protobuf_StringValue("two"), with: .proto)
        #expect(proto == (try Google_Protobuf_StringValue("two").serializedBytes()))
        #expect(try memo.encode(Google_Protobuf_StringValue("one"), with: .json) == first)
    }
}

/// Counts the flushes that pass it on their way to the socket.
private final class FlushCounter: ChannelOutboundHandler {
    typealias OutboundIn = Any
    private(set) var flushes = 0

    func flush(context: ChannelHandlerContext) {
        self.flushes += 1
        context.flush()
    }
}
