import Logging
import NIOCore
import NIOHTTP1

/// Serves Connect calls on one HTTP/1.1 connection or one HTTP/2 stream: reads a request,
/// decides with ``CallAdmission``, collects the body within the size limit and runs the call
/// as a Swift task, so that no handler ever runs on the event loop.
final class ConnectHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Waiting for a request head.
        case idle
        /// Reading the body of an admitted call.
        case collecting(Admitted, body: ByteBuffer)
        /// Already answered; the rest of the request is read and dropped.
        case discarding
    }

    private enum Admitted {
        case unary(UnaryCall)
        case stream(StreamCall)
    }

    private let router: ConnectRouter
    private let limits: ServerLimits
    private let calls: ActiveCalls
    private let logger: Logger
    private var state = State.idle
    /// The running server stream, cancelled when the client goes away.
    private var streamTask: Task<Void, Never>?

    init(router: ConnectRouter, limits: ServerLimits, calls: ActiveCalls, logger: Logger) {
        self.router = router
        self.limits = limits
        self.calls = calls
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.received(head, context: context)
        case .body(let chunk):
            self.received(chunk, context: context)
        case .end:
            self.receivedEnd(context: context)
        }
    }

    /// A broken request (HTTP/1.1 parse error, HTTP/2 stream error) ends the connection or
    /// stream; the HTTP layers have already answered what they could.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.debug("closing after error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.streamTask?.cancel()
        self.streamTask = nil
        context.fireChannelInactive()
    }

    private func received(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        self.logger.debug("request", metadata: ["method": "\(head.method)", "path": "\(head.uri)"])
        let admitted: Admitted
        switch CallAdmission.decide(head, router: self.router, maxMessageBytes: self.limits.maxMessageBytes) {
        case .reply(let reply):
            self.answer(reply, context: context)
            return
        case .unary(let call):
            admitted = .unary(call)
        case .stream(let call):
            admitted = .stream(call)
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init),
            length > self.bodyLimit(admitted)
        {
            self.rejectOversizedBody(admitted, context: context)
            return
        }
        self.state = .collecting(admitted, body: context.channel.allocator.buffer(capacity: 0))
    }

    private func received(_ chunk: ByteBuffer, context: ChannelHandlerContext) {
        guard case .collecting(let admitted, var body) = self.state else { return }
        guard body.readableBytes + chunk.readableBytes <= self.bodyLimit(admitted) else {
            self.rejectOversizedBody(admitted, context: context)
            return
        }
        self.state = .idle  // drop the reference so the append does not copy
        body.writeImmutableBuffer(chunk)
        self.state = .collecting(admitted, body: body)
    }

    private func receivedEnd(context: ChannelHandlerContext) {
        guard case .collecting(let admitted, let body) = self.state else {
            self.state = .idle
            return
        }
        self.state = .idle
        let writer = ChannelResponseWriter(channel: context.channel)
        let logger = self.logger
        switch admitted {
        case .unary(let call):
            self.calls.start(streaming: false) {
                let started = ContinuousClock.now
                let reply = await call.reply(toBody: body)
                writer.write(reply)
                logger.debug(
                    "call",
                    metadata: [
                        "procedure": "\(call.context.procedure)", "status": "\(reply.status.code)",
                        "duration": "\(ContinuousClock.now - started)",
                    ])
            }
        case .stream(let call):
            self.streamTask = self.calls.start(streaming: true) {
                let started = ContinuousClock.now
                await call.run(body: body, writer: writer)
                logger.debug(
                    "stream ended",
                    metadata: [
                        "procedure": "\(call.context.procedure)",
                        "duration": "\(ContinuousClock.now - started)",
                    ])
            }
        }
    }

    /// A request body may hold one message of `maxMessageBytes` plus, for streams, its
    /// 5-byte envelope prefix.
    private func bodyLimit(_ admitted: Admitted) -> Int {
        switch admitted {
        case .unary: return self.limits.maxMessageBytes
        case .stream: return self.limits.maxMessageBytes + 5
        }
    }

    private func rejectOversizedBody(_ admitted: Admitted, context: ChannelHandlerContext) {
        self.state = .discarding
        let error = ConnectError(
            .resourceExhausted, "request body is larger than \(self.limits.maxMessageBytes) bytes")
        switch admitted {
        case .unary:
            self.answer(HTTPReply(error: error), context: context)
        case .stream(let call):
            let writer = ChannelResponseWriter(channel: context.channel)
            self.calls.start(streaming: false) { await call.fail(error, writer: writer) }
        }
    }

    private func answer(_ reply: HTTPReply, context: ChannelHandlerContext) {
        self.state = .discarding
        ChannelResponseWriter.write(reply, to: context.channel)
    }
}
