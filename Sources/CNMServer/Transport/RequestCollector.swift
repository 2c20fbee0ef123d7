import NIOCore
import NIOHTTP1

/// Reads one request at a time, whatever the HTTP version: decides with ``CallAdmission`` as
/// soon as the head is there, collects the body of an admitted call within the size limit, and
/// says what to do next. It writes nothing itself; ``ConnectCallHandler`` carries the actions out.
struct RequestCollector {
    /// What the connection should do after a piece of the request.
    enum Action {
        /// Nothing yet: wait for more of the request.
        case none
        /// Answer at once with this reply; the rest of the request is read and dropped.
        case reply(HTTPReply)
        /// Run a unary call on its complete body.
        case unary(UnaryCall, body: ByteBuffer)
        /// Run a server stream on its complete body.
        case stream(StreamCall, body: ByteBuffer)
        /// End a server stream with an error before any handler runs (an oversized body).
        case failStream(StreamCall, ConnectError)
    }

    private enum Admitted {
        case unary(UnaryCall)
        case stream(StreamCall)
    }

    private enum State {
        /// Waiting for a request head.
        case idle
        /// Reading the body of an admitted call.
        case collecting(Admitted, body: ByteBuffer)
        /// Already answered; the rest of the request is read and dropped.
        case discarding
    }

    private let router: ConnectRouter
    private let maxMessageBytes: Int
    private var state = State.idle

    init(router: ConnectRouter, maxMessageBytes: Int) {
        self.router = router
        self.maxMessageBytes = maxMessageBytes
    }

    /// The request head arrived.
    mutating func received(_ head: HTTPRequestHead) -> Action {
        let admitted: Admitted
        switch CallAdmission.decide(head, router: self.router, maxMessageBytes: self.maxMessageBytes) {
        case .reply(let reply):
            self.state = .discarding
            return .reply(reply)
        case .unary(let call):
            admitted = .unary(call)
        case .stream(let call):
            admitted = .stream(call)
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init),
            length > self.bodyLimit(admitted)
        {
            return self.rejectOversizedBody(admitted)
        }
        self.state = .collecting(admitted, body: ByteBuffer())
        return .none
    }

    /// A piece of the request body arrived.
    mutating func received(_ chunk: ByteBuffer) -> Action {
        guard case .collecting(let admitted, var body) = self.state else { return .none }
        guard body.readableBytes + chunk.readableBytes <= self.bodyLimit(admitted) else {
            return self.rejectOversizedBody(admitted)
        }
        if body.readableBytes == 0 {
            body = chunk  // the usual single-chunk body is kept as it came, without a copy
        } else {
            self.state = .idle  // drop the reference so the append does not copy
            body.writeImmutableBuffer(chunk)
        }
        self.state = .collecting(admitted, body: body)
        return .none
    }

    /// The request is complete.
    mutating func receivedEnd() -> Action {
        guard case .collecting(let admitted, let body) = self.state else {
            self.state = .idle
            return .none
        }
        self.state = .idle
        switch admitted {
        case .unary(let call): return .unary(call, body: body)
        case .stream(let call): return .stream(call, body: body)
        }
    }

    /// A request body may hold one message of `maxMessageBytes` plus, for streams, its
    /// 5-byte envelope prefix.
    private func bodyLimit(_ admitted: Admitted) -> Int {
        switch admitted {
        case .unary: return self.maxMessageBytes
        case .stream: return self.maxMessageBytes + 5
        }
    }

    private mutating func rejectOversizedBody(_ admitted: Admitted) -> Action {
        self.state = .discarding
        let error = ConnectError(
            .resourceExhausted, "request body is larger than \(self.maxMessageBytes) bytes")
        switch admitted {
        case .unary: return .reply(HTTPReply(error: error))
        case .stream(let call): return .failStream(call, error)
        }
    }
}
