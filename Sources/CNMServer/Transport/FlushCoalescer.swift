import NIOCore

/// Holds back the flushes of an HTTP/2 connection while ``ReplyMailbox`` writes a batch of
/// answers, then flushes once: one `writev` for the batch instead of one per answer.
///
/// It sits between the socket (or TLS) and the HTTP/2 handler. NIOHTTP2 already coalesces the
/// flushes of its streams while the connection is reading; answers that come back from Swift
/// tasks arrive outside any read, and every stream's flush would otherwise reach the socket.
final class FlushCoalescer: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = Any
    typealias OutboundOut = Any

    private var context: ChannelHandlerContext?
    /// How many ``holdingFlushes(_:)`` calls are running (they may nest).
    private var holding = 0
    private var flushHeld = false

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        if self.holding > 0 {
            self.flushHeld = true
        } else {
            context.flush()
        }
    }

    /// A close first sends what a held flush would have sent.
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if self.flushHeld {
            self.flushHeld = false
            context.flush()
        }
        context.close(mode: mode, promise: promise)
    }

    /// Runs `body` (on the event loop); the flushes it causes become one flush at the end.
    func holdingFlushes(_ body: () -> Void) {
        self.holding += 1
        body()
        self.holding -= 1
        if self.holding == 0, self.flushHeld {
            self.flushHeld = false
            self.context?.flush()
        }
    }
}
