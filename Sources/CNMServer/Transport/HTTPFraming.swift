import NIOCore
import NIOHTTP1

/// The pieces of a request as one inbound message carries them: an HTTP/2 HEADERS frame may
/// be a whole request (head and end), a DATA frame the last piece of a body.
struct RequestPiece {
    var head: HTTPRequestHead?
    var body: ByteBuffer?
    var isEnd = false
}

/// How one HTTP version carries requests and responses through a channel pipeline, so that
/// ``ConnectCallHandler`` serves HTTP/1.1 connections and HTTP/2 streams with the same code.
protocol HTTPFraming: SendableMetatype {
    /// What the pipeline delivers.
    associatedtype Inbound
    /// What the pipeline takes.
    associatedtype Outbound: Sendable

    /// The request pieces in one inbound message.
    static func read(_ message: Inbound) -> RequestPiece

    /// Calls `write` with the outbound messages of a complete response, `content-length`
    /// included.
    static func messages(of reply: HTTPReply, _ write: (Outbound) -> Void)

    /// The head of a streamed response.
    static func streamHead(_ status: HTTPResponseStatus, headers: HTTPHeaders) -> Outbound
    /// A piece of a streamed response body.
    static func streamBody(_ bytes: ByteBuffer) -> Outbound
    /// The end of a streamed response.
    static func streamEnd() -> Outbound
}

/// HTTP/1.1 behind NIO's `HTTPServerRequestDecoder` and `HTTPResponseEncoder`.
enum HTTP1Framing: HTTPFraming {
    static func read(_ message: HTTPServerRequestPart) -> RequestPiece {
        switch message {
        case .head(let head): return RequestPiece(head: head)
        case .body(let chunk): return RequestPiece(body: chunk)
        case .end: return RequestPiece(isEnd: true)
        }
    }

    static func messages(of reply: HTTPReply, _ write: (HTTPServerResponsePart) -> Void) {
        var headers = reply.headers
        headers.replaceOrAdd(name: "content-length", value: String(reply.body.readableBytes))
        write(.head(HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers)))
        if reply.body.readableBytes > 0 {
            write(.body(.byteBuffer(reply.body)))
        }
        write(.end(nil))
    }

    static func streamHead(_ status: HTTPResponseStatus, headers: HTTPHeaders) -> HTTPServerResponsePart {
        .head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))
    }

    static func streamBody(_ bytes: ByteBuffer) -> HTTPServerResponsePart {
        .body(.byteBuffer(bytes))
    }

    static func streamEnd() -> HTTPServerResponsePart {
        .end(nil)
    }
}
