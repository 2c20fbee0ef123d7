import Logging
import NIOCore

/// Closes a connection (or an HTTP/2 stream) on any error that reaches the end of its
/// pipeline: a protocol violation (NIOHTTP2 has already sent GOAWAY), a failed TLS handshake,
/// a reset. Without it the channel would stay open and the peer would wait.
final class CloseOnError: ChannelInboundHandler {
    typealias InboundIn = Any

    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.debug("closing connection after error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
