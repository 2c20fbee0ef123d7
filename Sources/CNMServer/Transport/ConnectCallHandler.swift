import Logging
import NIOCore
import NIOHTTP1

/// Serves Connect calls on one HTTP/1.1 connection or one HTTP/2 stream, in that version's
/// framing: reads a request with a ``RequestCollector`` and carries out what it decides.
///
/// A synchronous unary handler (health, version) runs right here on the event loop, so its
/// answer joins the other answers of the same read in one write. Every other handler runs as a
/// Swift task, never on the event loop; its answer comes back through the connection's
/// ``ReplyMailbox``.
final class ConnectCallHandler<Framing: HTTPFraming>: ChannelInboundHandler {
    typealias InboundIn = Framing.Inbound
    typealias OutboundOut = Framing.Outbound

    private var collector: RequestCollector
    private let calls: ActiveCalls
    private let mailbox: ReplyMailbox
    private let logger: Logger
    /// The running server stream, cancelled when the client goes away.
    private var streamTask: Task<Void, Never>?

    init(
        router: ConnectRouter, limits: ServerLimits, calls: ActiveCalls, mailbox: ReplyMailbox, logger: Logger
    ) {
        self.collector = RequestCollector(router: router, maxMessageBytes: limits.maxMessageBytes)
        self.calls = calls
        self.mailbox = mailbox
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let piece = Framing.read(self.unwrapInboundIn(data))
        if let head = piece.head {
            self.logger.debug("request", metadata: ["method": "\(head.method)", "path": "\(head.uri)"])
            self.perform(self.collector.received(head), context: context)
        }
        if let body = piece.body {
            self.perform(self.collector.received(body), context: context)
        }
        if piece.isEnd {
            self.perform(self.collector.receivedEnd(), context: context)
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

    private func perform(_ action: RequestCollector.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            return
        case .reply(let reply):
            Self.write(reply, to: context.channel)
        case .unary(let call, let body)
        where call.isSynchronous && body.readableBytes <= Self.inlineBodyLimit:
            let reply = call.replyNow(toBody: body)
            Self.write(reply, to: context.channel)
            self.logger.debug(
                "call",
                metadata: ["procedure": "\(call.context.procedure)", "status": "\(reply.status.code)"])
        case .unary(let call, let body):
            self.start(call, body: body, channel: context.channel)
        case .stream(let call, let body):
            self.start(call, body: body, channel: context.channel)
        case .failStream(let call, let error):
            let writer = ChannelStreamWriter<Framing>(channel: context.channel)
            self.calls.start(streaming: false) { await call.fail(error, writer: writer) }
        }
    }

    /// The largest request body a synchronous handler decodes on the event loop; a larger one
    /// (a hostile 4 MiB or deeply nested body sent to Health) is decoded in a task instead, so
    /// that it cannot hold up the other channels of the loop (embedded DNS shares the loops).
    static var inlineBodyLimit: Int { 16 * 1024 }

    /// Runs an asynchronous unary handler as a task; the answer goes back through the mailbox.
    private func start(_ call: UnaryCall, body: ByteBuffer, channel: any Channel) {
        let mailbox = self.mailbox
        let logger = self.logger
        self.calls.start(streaming: false) {
            let started = ContinuousClock.now
            let reply = await call.reply(toBody: body)
            mailbox.post { Self.write(reply, to: channel) }
            logger.debug(
                "call",
                metadata: [
                    "procedure": "\(call.context.procedure)", "status": "\(reply.status.code)",
                    "duration": "\(ContinuousClock.now - started)",
                ])
        }
    }

    private func start(_ call: StreamCall, body: ByteBuffer, channel: any Channel) {
        let writer = ChannelStreamWriter<Framing>(channel: channel)
        let logger = self.logger
        self.streamTask = self.calls.start(streaming: true) {
            let started = ContinuousClock.now
            await call.run(body: body, writer: writer)
            logger.debug(
                "stream ended",
                metadata: [
                    "procedure": "\(call.context.procedure)", "duration": "\(ContinuousClock.now - started)",
                ])
        }
    }

    /// Writes a whole reply with one flush (on the event loop); failures (the client left) are
    /// ignored.
    private static func write(_ reply: HTTPReply, to channel: any Channel) {
        Framing.messages(of: reply) { message in
            channel.write(message, promise: nil)
        }
        channel.flush()
    }
}
