/// HTTP/2-level abuse that a hostile client can send on one connection.
enum HTTP2Abuse: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Complete requests, each reset at once (RST_STREAM CANCEL), in a loop: the 2023 "rapid
    /// reset" pattern (CVE-2023-44487), which makes a server start work it never finishes.
    case rapidReset = "rapid reset"
    /// More streams opened at once than SETTINGS_MAX_CONCURRENT_STREAMS allows.
    case tooManyStreams = "more streams than allowed"
    /// A HEADERS frame without END_HEADERS followed by CONTINUATION frames without end
    /// (the 2024 "CONTINUATION flood").
    case continuationFlood = "endless CONTINUATION"
    /// PING frames sent without ever reading the answers.
    case pingFlood = "PING flood"

    var description: String { self.rawValue }

    /// What happened on the abusive connection.
    struct Report: Sendable, CustomStringConvertible {
        var framesSent = 0
        var streamsOpened = 0
        /// Response HEADERS cnmd sent (calls it answered).
        var answered = 0
        var resets: [String: Int] = [:]
        var goaway: String?
        var closed = false
        var writeBlocked = false
        /// For `tooManyStreams`: the status of a legitimate stream under the limit afterwards.
        var allowedStreamStatus: Int?

        var description: String {
            var parts = [
                "\(self.framesSent) frames sent", "\(self.streamsOpened) streams opened",
                "\(self.answered) answered",
            ]
            if !self.resets.isEmpty {
                parts.append(
                    "resets \(self.resets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))"
                )
            }
            if let goaway { parts.append("GOAWAY \(goaway)") }
            if self.closed { parts.append("connection closed by cnmd") }
            if self.writeBlocked { parts.append("cnmd stopped reading (write timed out)") }
            if let status = self.allowedStreamStatus {
                parts.append("a stream within the limit got HTTP \(status)")
            }
            return parts.joined(separator: "; ")
        }

        /// Whether cnmd cut the connection off (GOAWAY or close).
        var cutOff: Bool { self.goaway != nil || self.closed }
    }

    static let jsonType = [(name: "content-type", value: "application/json")]

    /// Runs the abuse on a fresh connection to `path` (blocking: call it on a dedicated thread).
    func run(path: String) throws -> Report {
        let connection = try RawHTTP2(path: path, timeout: 3)
        var report = Report()
        do {
            switch self {
            case .rapidReset: try self.rapidReset(connection, &report)
            case .tooManyStreams: try self.tooManyStreams(connection, &report)
            case .continuationFlood: try self.continuationFlood(connection, &report)
            case .pingFlood: try self.pingFlood(connection, &report)
            }
            try Self.drain(connection, &report, quietMilliseconds: 1000)
        } catch SocketError.closed {
            report.closed = true
        } catch SocketError.timeout {
            report.writeBlocked = true
        }
        if report.goaway == nil, let goaway = connection.goaway {
            report.goaway = HTTP2Frame.errorName(goaway.code)
        }
        return report
    }

    private func rapidReset(_ connection: RawHTTP2, _ report: inout Report) throws {
        for _ in 0..<200 {
            var bytes: [UInt8] = []
            for _ in 0..<100 {
                let stream = connection.openStream()
                bytes += connection.headerFrames(
                    stream: stream, method: "POST", path: "/cnm.v1.NetworkService/ListNetworks",
                    headers: Self.jsonType,
                    endStream: true
                ).flatMap(\.bytes)
                bytes += HTTP2Frame(.rstStream, stream: stream, payload: HTTP2Frame.be32(8)).bytes
                report.framesSent += 2
                report.streamsOpened += 1
            }
            try connection.socket.write(bytes)
            try Self.drain(connection, &report, quietMilliseconds: 0)
            if report.goaway != nil { return }
        }
    }

    private func tooManyStreams(_ connection: RawHTTP2, _ report: inout Report) throws {
        let limit = connection.maxConcurrentStreams ?? 100
        var bytes: [UInt8] = []
        var first: UInt32?
        for _ in 0..<limit + 64 {
            let stream = connection.openStream()
            first = first ?? stream
            bytes += connection.headerFrames(
                stream: stream, method: "POST", path: "/cnm.v1.NetworkService/CreateNetwork",
                headers: Self.jsonType,
                endStream: false
            ).flatMap(\.bytes)
            report.framesSent += 1
            report.streamsOpened += 1
        }
        try connection.socket.write(bytes)
        try Self.drain(connection, &report, quietMilliseconds: 500)
        // A stream within the limit still works: finish its request (an empty name: 400).
        guard let first, report.goaway == nil else { return }
        try connection.write([
            HTTP2Frame(.data, flags: HTTP2Frame.endStream, stream: first, payload: Array("{}".utf8))
        ])
        while report.allowedStreamStatus == nil {
            let frame = try connection.readFrame()
            Self.tally(frame, &report)
            if frame.stream == first, frame.kind == .headers {
                report.allowedStreamStatus = try HPACK.status(in: frame.payload)
            }
            if frame.kind == .goaway { return }
        }
    }

    private func continuationFlood(_ connection: RawHTTP2, _ report: inout Report) throws {
        let stream = connection.openStream()
        report.streamsOpened = 1
        let start = HPACK.encode(
            [
                (":method", "POST"), (":scheme", "http"), (":path", "/cnm.v1.NetworkService/ListNetworks"),
                (":authority", "localhost"),
            ])
        try connection.write([HTTP2Frame(.headers, stream: stream, payload: start)])
        report.framesSent = 1
        let filler = String(repeating: "c", count: 1000)
        for batch in 0..<400 {
            var bytes: [UInt8] = []
            for index in 0..<50 {
                let payload = HPACK.encode([("x-c\(batch * 50 + index)", filler)])
                bytes += HTTP2Frame(.continuation, stream: stream, payload: payload).bytes
                report.framesSent += 1
            }
            try connection.socket.write(bytes)
            try Self.drain(connection, &report, quietMilliseconds: 0)
            if report.goaway != nil { return }
        }
    }

    private func pingFlood(_ connection: RawHTTP2, _ report: inout Report) throws {
        let ping = HTTP2Frame(.ping, payload: [1, 2, 3, 4, 5, 6, 7, 8]).bytes
        for _ in 0..<100 {
            try connection.socket.write(Array([[UInt8]](repeating: ping, count: 1000).joined()))
            report.framesSent += 1000
        }
    }

    /// Reads the frames cnmd sent until none arrives for `quietMilliseconds`.
    private static func drain(_ connection: RawHTTP2, _ report: inout Report, quietMilliseconds: Int32) throws
    {
        while connection.socket.isReadable(within: quietMilliseconds) {
            Self.tally(try connection.readFrame(), &report)
            if report.goaway != nil && quietMilliseconds == 0 { return }
        }
    }

    private static func tally(_ frame: HTTP2Frame, _ report: inout Report) {
        switch frame.kind {
        case .headers: report.answered += 1
        case .rstStream: report.resets[HTTP2Frame.errorName(frame.errorCode), default: 0] += 1
        case .goaway: report.goaway = HTTP2Frame.errorName(frame.errorCode)
        default: break
        }
    }
}
