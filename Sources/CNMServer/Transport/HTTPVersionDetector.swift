import NIOCore

/// Tells HTTP/2 with prior knowledge from HTTP/1.1 by the first bytes a client sends, then
/// sets the pipeline up for that protocol and removes itself.
///
/// HTTP/2 clients open with the 24-byte preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`; nothing
/// else starts that way. The decision is made as soon as the bytes seen stop matching the
/// preface (HTTP/1.1) or the whole preface is there (HTTP/2). The bytes read so far are then
/// passed on unchanged. A connection that sends nothing is closed after the idle timeout, or
/// at once when the server shuts down.
final class HTTPVersionDetector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The protocol a connection speaks.
    enum Version {
        case http1
        case http2
    }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Adds the handlers for `version` at the end of the pipeline (on the event loop).
    typealias Configure = (_ version: Version, _ context: ChannelHandlerContext) throws -> Void

    private let configure: Configure
    private let idleTimeout: TimeAmount
    private var buffered: ByteBuffer?
    private var idleTimer: Scheduled<Void>?

    init(idleTimeout: TimeAmount, configure: @escaping Configure) {
        self.idleTimeout = idleTimeout
        self.configure = configure
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.startIdleTimer(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.startIdleTimer(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.idleTimer?.cancel()
    }

    /// An error before the protocol is known (a failed TLS handshake) ends the connection.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// A connection that has not sent a request yet has nothing to finish: a graceful
    /// shutdown closes it at once.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = self.unwrapInboundIn(data)
        if var buffered = self.buffered {
            self.buffered = nil
            buffered.writeBuffer(&chunk)
            chunk = buffered
        }
        guard let version = Self.detect(chunk.readableBytesView) else {
            self.buffered = chunk
            return
        }
        self.idleTimer?.cancel()
        do {
            try self.configure(version, context)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(self.wrapInboundOut(chunk))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// The protocol the bytes seen so far prove, or nil if more bytes are needed.
    static func detect(_ bytes: some Collection<UInt8>) -> Version? {
        let prefix = bytes.prefix(Self.preface.count)
        guard prefix.elementsEqual(Self.preface.prefix(prefix.count)) else { return .http1 }
        return prefix.count == Self.preface.count ? .http2 : nil
    }

    private func startIdleTimer(context: ChannelHandlerContext) {
        guard self.idleTimer == nil else { return }
        let channel = context.channel
        self.idleTimer = context.eventLoop.scheduleTask(in: self.idleTimeout) {
            channel.close(promise: nil)
        }
    }
}
