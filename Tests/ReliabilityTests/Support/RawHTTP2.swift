/// One HTTP/2 frame (RFC 9113 §4).
struct HTTP2Frame: Sendable {
    enum Kind: UInt8 {
        case data = 0
        case headers = 1
        case priority = 2
        case rstStream = 3
        case settings = 4
        case pushPromise = 5
        case ping = 6
        case
            goaway = 7
        case windowUpdate = 8
        case continuation = 9
    }

    static let endStream: UInt8 = 0x1
    static let ack: UInt8 = 0x1
    static let endHeaders: UInt8 = 0x4
    static let padded: UInt8 = 0x8
    static let priorityFlag: UInt8 = 0x20

    var type: UInt8
    var flags: UInt8
    var stream: UInt32
    var payload: [UInt8]

    init(_ kind: Kind, flags: UInt8 = 0, stream: UInt32 = 0, payload: [UInt8] = []) {
        self.init(type: kind.rawValue, flags: flags, stream: stream, payload: payload)
    }

    init(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) {
        self.type = type
        self.flags = flags
        self.stream = stream
        self.payload = payload
    }

    var kind: Kind? { Kind(rawValue: self.type) }

    var bytes: [UInt8] {
        let length = self.payload.count
        return [
            UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), self.type,
            self.flags,
        ]
            + Self.be32(self.stream & 0x7FFF_FFFF) + self.payload
    }

    /// The error code of RST_STREAM and GOAWAY frames.
    var errorCode: UInt32 {
        let start = self.kind == .goaway ? 4 : 0
        guard self.payload.count >= start + 4 else { return 0 }
        return Self.read32(self.payload, start)
    }

    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func read32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// HTTP/2 error code names for reports.
    static func errorName(_ code: UInt32) -> String {
        let names = [
            "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
            "STREAM_CLOSED",
            "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR",
            "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
        ]
        return code < names.count ? names[Int(code)] : "0x\(String(code, radix: 16))"
    }
}

/// How a raw HTTP/2 request ended.
enum HTTP2Outcome: Sendable {
    case response(RawResponse)
    /// cnmd reset the stream (RST_STREAM) with this error code.
    case reset(UInt32)
    /// cnmd ended the connection (GOAWAY with this code, or a plain close: nil).
    case connectionClosed(UInt32?)
}

/// A hand-written HTTP/2 client (prior knowledge) on a Unix socket, one request at a time,
/// honouring flow control so that large bodies can be sent; see ``UnixSocket`` for why it is
/// hand-written. It announces a header table of size 0 (see ``HPACK``) and a 16 MiB receive
/// window, so it never has to send WINDOW_UPDATE itself.
final class RawHTTP2 {
    let socket: UnixSocket
    private(set) var nextStream: UInt32 = 1
    private var connectionWindow = 65535
    private var streamWindows: [UInt32: Int] = [:]
    private var initialWindow = 65535
    private(set) var maxFrameSize = 16384
    private(set) var maxConcurrentStreams: Int?
    /// The GOAWAY cnmd sent, if any: (last stream, error code).
    private(set) var goaway: (lastStream: UInt32, code: UInt32)?
    private var received = 0

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Connects and exchanges SETTINGS (waits for cnmd's SETTINGS and its ACK of ours).
    init(path: String, timeout: Double = 10) throws {
        self.socket = try UnixSocket(path: path, timeout: timeout)
        var settings: [UInt8] = []
        for (identifier, value) in [(1, 0), (2, 0), (4, 1 << 24)] as [(UInt16, UInt32)] {
            settings += [UInt8(identifier >> 8), UInt8(identifier & 0xFF)] + HTTP2Frame.be32(value)
        }
        try self.socket.write(
            Self.preface + HTTP2Frame(.settings, payload: settings).bytes
                + HTTP2Frame(.windowUpdate, payload: HTTP2Frame.be32(1 << 24)).bytes)
        var sawSettings = false
        var sawAck = false
        while !(sawSettings && sawAck) {
            let frame = try self.readFrame()
            if frame.kind == .settings {
                if frame.flags & HTTP2Frame.ack != 0 { sawAck = true } else { sawSettings = true }
            }
            if frame.kind == .goaway { throw SocketError.closed }
        }
    }

    func write(_ frames: [HTTP2Frame]) throws {
        try self.socket.write(frames.flatMap(\.bytes))
    }

    /// Reads one frame and answers what the connection needs answered (SETTINGS ACK, PING ACK,
    /// window bookkeeping, GOAWAY noted).
    func readFrame() throws -> HTTP2Frame {
        let header = try self.socket.read(exactly: 9)
        let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
        let frame = HTTP2Frame(
            type: header[3], flags: header[4], stream: HTTP2Frame.read32(header, 5) & 0x7FFF_FFFF,
            payload: try self.socket.read(exactly: length))
        switch frame.kind {
        case .settings where frame.flags & HTTP2Frame.ack == 0:
            var offset = 0
            while offset + 6 <= frame.payload.count {
                let identifier = Int(frame.payload[offset]) << 8 | Int(frame.payload[offset + 1])
                let value = Int(HTTP2Frame.read32(frame.payload, offset + 2))
                switch identifier {
                case 3: self.maxConcurrentStreams = value
                case 4:
                    let change = value - self.initialWindow
                    self.initialWindow = value
                    for key in self.streamWindows.keys { self.streamWindows[key]! += change }
                case 5: self.maxFrameSize = value
                default: break
                }
                offset += 6
            }
            try self.write([HTTP2Frame(.settings, flags: HTTP2Frame.ack)])
        case .ping where frame.flags & HTTP2Frame.ack == 0:
            try self.write([HTTP2Frame(.ping, flags: HTTP2Frame.ack, payload: frame.payload)])
        case .windowUpdate:
            let increment = Int(HTTP2Frame.read32(frame.payload, 0) & 0x7FFF_FFFF)
            if frame.stream == 0 {
                self.connectionWindow += increment
            } else {
                self.streamWindows[frame.stream, default: self.initialWindow] += increment
            }
        case .goaway:
            self.goaway = (HTTP2Frame.read32(frame.payload, 0) & 0x7FFF_FFFF, frame.errorCode)
        case .data:
            self.received += frame.payload.count
            if self.received > 8 << 20 {
                try self.write([HTTP2Frame(.windowUpdate, payload: HTTP2Frame.be32(UInt32(self.received)))])
                self.received = 0
            }
        default:
            break
        }
        return frame
    }

    /// A new client stream ID.
    func openStream() -> UInt32 {
        defer { self.nextStream += 2 }
        self.streamWindows[self.nextStream] = self.initialWindow
        return self.nextStream
    }

    /// The HEADERS (and CONTINUATION) frames of a request.
    func headerFrames(
        stream: UInt32, method: String, path: String, headers: [(name: String, value: String)],
        endStream: Bool
    ) -> [HTTP2Frame] {
        let block = HPACK.encode(
            [(":method", method), (":scheme", "http"), (":path", path), (":authority", "localhost")] + headers
        )
        var frames: [HTTP2Frame] = []
        var offset = 0
        repeat {
            let end = min(block.count, offset + self.maxFrameSize)
            let isLast = end == block.count
            let flags =
                (isLast ? HTTP2Frame.endHeaders : 0) | (offset == 0 && endStream ? HTTP2Frame.endStream : 0)
            frames.append(
                HTTP2Frame(
                    offset == 0 ? .headers : .continuation, flags: flags, stream: stream,
                    payload: Array(block[offset..<end])))
            offset = end
        } while offset < block.count
        return frames
    }

    /// Sends one request and reads until its stream ends, is reset, or the connection ends.
    func request(
        method: String = "POST", path: String, headers: [(name: String, value: String)], body: [UInt8]
    ) throws -> HTTP2Outcome {
        let stream = self.openStream()
        var state = StreamState()
        do {
            try self.write(
                self.headerFrames(
                    stream: stream, method: method, path: path, headers: headers, endStream: body.isEmpty))
            var offset = 0
            while offset < body.count && state.outcome == nil {
                let window = min(self.connectionWindow, self.streamWindows[stream] ?? 0, self.maxFrameSize)
                if window <= 0 {
                    try self.handle(try self.readFrame(), stream: stream, state: &state)
                    continue
                }
                let end = min(body.count, offset + window)
                try self.write([
                    HTTP2Frame(
                        .data, flags: end == body.count ? HTTP2Frame.endStream : 0, stream: stream,
                        payload: Array(body[offset..<end]))
                ])
                self.connectionWindow -= end - offset
                self.streamWindows[stream, default: 0] -= end - offset
                offset = end
            }
            while state.outcome == nil {
                try self.handle(try self.readFrame(), stream: stream, state: &state)
            }
            // Answered before the whole body was sent (a body over the limit): end the stream.
            if offset < body.count, case .response = state.outcome {
                try self.write([HTTP2Frame(.rstStream, stream: stream, payload: HTTP2Frame.be32(8))])
            }
        } catch SocketError.closed {
            state.outcome = state.outcome ?? .connectionClosed(self.goaway?.code)
        }
        self.streamWindows[stream] = nil
        return state.outcome!
    }

    private struct StreamState {
        var status: Int?
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
        var block: [UInt8] = []
        var outcome: HTTP2Outcome?
    }

    private func handle(_ frame: HTTP2Frame, stream: UInt32, state: inout StreamState) throws {
        if frame.kind == .goaway, let goaway = self.goaway, goaway.lastStream < stream {
            state.outcome = .connectionClosed(goaway.code)
            return
        }
        guard frame.stream == stream else { return }
        switch frame.kind {
        case .headers, .continuation:
            var payload = frame.payload
            if frame.kind == .headers {
                if frame.flags & HTTP2Frame.padded != 0, let padding = payload.first {
                    payload = Array(payload.dropFirst().dropLast(Int(padding)))
                }
                if frame.flags & HTTP2Frame.priorityFlag != 0 { payload = Array(payload.dropFirst(5)) }
            }
            state.block += payload
            if frame.flags & HTTP2Frame.endHeaders != 0 {
                if let status = try HPACK.status(in: state.block) { state.status = state.status ?? status }
                state.block = []
            }
            if frame.flags & HTTP2Frame.endStream != 0 { self.finish(&state) }
        case .data:
            var payload = frame.payload
            if frame.flags & HTTP2Frame.padded != 0, let padding = payload.first {
                payload = Array(payload.dropFirst().dropLast(Int(padding)))
            }
            state.body += payload
            if frame.flags & HTTP2Frame.endStream != 0 { self.finish(&state) }
        case .rstStream:
            // A stream answered in full and then reset (cnmd refusing the rest of a body) counts
            // as answered.
            state.outcome =
                state.status.map { .response(RawResponse(status: $0, headers: [], body: state.body)) }
                ?? .reset(frame.errorCode)
        default:
            break
        }
    }

    private func finish(_ state: inout StreamState) {
        state.outcome = .response(
            RawResponse(status: state.status ?? 0, headers: state.headers, body: state.body))
    }
}
