import NIOCore
import NIOHPACK
import NIOHTTP2

/// Reads one response from the frames of an HTTP/2 stream: the head, then the body in chunks.
struct HTTP2ResponseReader {
    /// The status and headers of a response.
    struct Head {
        var status: Int
        var headers: HPACKHeaders

        /// The first value of a header, if present.
        func first(_ name: String) -> String? { headers.first(name: name) }
    }

    private var frames: NIOAsyncChannelInboundStream<HTTP2Frame.FramePayload>.AsyncIterator
    /// Whether the server has ended the stream (END_STREAM seen).
    private(set) var isComplete = false

    init(_ inbound: NIOAsyncChannelInboundStream<HTTP2Frame.FramePayload>) {
        self.frames = inbound.makeAsyncIterator()
    }

    /// The final response head; informational (1xx) heads are skipped.
    mutating func head() async throws -> Head {
        while let frame = try await nextFrame() {
            guard case .headers(let headers) = frame else { continue }
            isComplete = headers.endStream
            guard let statusText = headers.headers.first(name: ":status"), let status = Int(statusText) else {
                throw CNMError(.internal, "protocol error: response without a valid :status")
            }
            if (100..<200).contains(status) && !headers.endStream { continue }
            return Head(status: status, headers: headers.headers)
        }
        throw CNMError(.unavailable, "the stream closed before the response headers arrived")
    }

    /// The next chunk of the body, or `nil` once the server ended the stream. Trailers are
    /// skipped: Connect sends unary trailers as `trailer-` headers and stream trailers in the
    /// end-of-stream message.
    mutating func nextChunk() async throws -> ByteBuffer? {
        while !isComplete, let frame = try await nextFrame() {
            switch frame {
            case .data(let data):
                isComplete = data.endStream
                if case .byteBuffer(let buffer) = data.data, buffer.readableBytes > 0 {
                    return buffer
                }
            case .headers(let headers):
                isComplete = headers.endStream
            default:
                continue
            }
        }
        guard isComplete else {
            throw CNMError(.unavailable, "the stream closed before the response was complete")
        }
        return nil
    }

    /// The whole remaining body.
    /// - Throws: ``CNMError`` (`resource_exhausted`) past `limit` bytes.
    mutating func body(limit: Int) async throws -> [UInt8] {
        var body: [UInt8] = []
        while let chunk = try await nextChunk() {
            guard body.count + chunk.readableBytes <= limit else {
                throw CNMError(.resourceExhausted, "the response exceeds the limit of \(limit) bytes")
            }
            body.append(contentsOf: chunk.readableBytesView)
        }
        return body
    }

    private mutating func nextFrame() async throws -> HTTP2Frame.FramePayload? {
        if case .some(let frame) = try await frames.next() {
            if case .rstStream(let code) = frame {
                throw NIOHTTP2Errors.streamClosed(streamID: .rootStream, errorCode: code)
            }
            return frame
        }
        return nil
    }
}
