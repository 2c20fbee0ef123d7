import NIOCore
import NIOTLS

/// Completes a promise when the TLS handshake succeeds with ALPN `h2`, and fails it when the
/// handshake fails or the server chose another protocol, so that connecting reports TLS
/// problems by name instead of as a stream that closed for no visible reason.
final class TLSHandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any
    typealias InboundOut = Any

    private let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted(let negotiated) = event {
            if negotiated == "h2" {
                promise.succeed()
            } else {
                let chosen = negotiated.map { "'\($0)'" } ?? "no protocol"
                promise.fail(
                    CNMError(
                        .unavailable, "the TLS server did not negotiate HTTP/2 (ALPN h2); it chose \(chosen)")
                )
                context.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(CNMError(.unavailable, "the connection closed during the TLS handshake"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise.fail(CNMError(.unavailable, "the connection closed during the TLS handshake"))
    }
}
