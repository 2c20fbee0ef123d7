import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2

/// HTTP/2 frame payloads of one stream channel, read and written directly.
///
/// Hand-written instead of NIO's `HTTP2FramePayloadToHTTP1ServerCodec`, which took about a
/// seventh of the server's time under load (profile in BENCHMARKS.md): it translates every
/// request and response to and from HTTP/1 heads, normalising and re-validating each header.
/// Here the request head is read from the header block in one pass, and a unary response is one
/// HEADERS frame and at most one DATA frame, the last one carrying END_STREAM. NIOHTTP2 has
/// already validated the header block (pseudo-headers present and well-formed, names in lower
/// case) when a payload reaches this code.
enum HTTP2Framing: HTTPFraming {
    static func read(_ message: HTTP2Frame.FramePayload) -> RequestPiece {
        switch message {
        case .headers(let headers):
            // A second HEADERS frame holds trailers, which Connect does not use: only its
            // END_STREAM counts.
            return RequestPiece(head: Self.requestHead(headers.headers), isEnd: headers.endStream)
        case .data(let data):
            guard case .byteBuffer(let bytes) = data.data else {
                return RequestPiece(isEnd: data.endStream)  // file regions are never received
            }
            return RequestPiece(body: bytes, isEnd: data.endStream)
        default:
            return RequestPiece()
        }
    }

    /// The request head of a header block: `:method` and `:path` from the pseudo-headers,
    /// `:authority` as `host`, the other fields as they are. Nil for a trailer block (no `:method`).
    static func requestHead(_ block: HPACKHeaders) -> HTTPRequestHead? {
        var method: String?
        var path = ""
        var headers = HTTPHeaders()
        headers.reserveCapacity(block.count)
        for (name, value, _) in block {
            guard name.utf8.first == UInt8(ascii: ":") else {
                headers.add(name: name, value: value)
                continue
            }
            switch name {
            case ":method": method = value
            case ":path": path = value
            case ":authority": headers.add(name: "host", value: value)
            default: break
            }
        }
        guard let method else { return nil }
        return HTTPRequestHead(
            version: .http2, method: HTTPMethod(rawValue: method), uri: path, headers: headers)
    }

    static func messages(of reply: HTTPReply, _ write: (HTTP2Frame.FramePayload) -> Void) {
        var headers = reply.headers
        headers.replaceOrAdd(name: "content-length", value: String(reply.body.readableBytes))
        let isEmpty = reply.body.readableBytes == 0
        write(Self.head(reply.status, headers: headers, endStream: isEmpty))
        if !isEmpty {
            write(.data(.init(data: .byteBuffer(reply.body), endStream: true)))
        }
    }

    static func streamHead(_ status: HTTPResponseStatus, headers: HTTPHeaders) -> HTTP2Frame.FramePayload {
        Self.head(status, headers: headers, endStream: false)
    }

    static func streamBody(_ bytes: ByteBuffer) -> HTTP2Frame.FramePayload {
        .data(.init(data: .byteBuffer(bytes)))
    }

    static func streamEnd() -> HTTP2Frame.FramePayload {
        .data(.init(data: .byteBuffer(ByteBuffer()), endStream: true))
    }

    /// A HEADERS payload: `:status`, then the fields with their names in lower case, as
    /// HTTP/2 requires.
    private static func head(_ status: HTTPResponseStatus, headers: HTTPHeaders, endStream: Bool)
        -> HTTP2Frame.FramePayload
    {
        var block = HPACKHeaders()
        block.reserveCapacity(headers.count + 1)
        block.add(name: ":status", value: String(status.code))
        for (name, value) in headers {
            let isLowercase = !name.utf8.contains { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
            block.add(name: isLowercase ? name : name.lowercased(), value: value)
        }
        return .headers(.init(headers: block, endStream: endStream))
    }
}
