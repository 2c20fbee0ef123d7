import Logging
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL

/// Builds the pipeline of an accepted connection: optional TLS, then detection of HTTP/2 or
/// HTTP/1.1, then that protocol's handlers ending in a ``ConnectCallHandler`` (per connection
/// for HTTP/1.1, per stream for HTTP/2, which reads and writes frame payloads directly). The
/// limits of ``ServerLimits`` are applied here.
struct ConnectionConfigurator: Sendable {
    let router: ConnectRouter
    let limits: ServerLimits
    let calls: ActiveCalls
    let logger: Logger

    /// Sets up a newly accepted channel; `tls` is nil for cleartext listeners.
    func configure(_ channel: any Channel, tls: NIOSSLContext?) throws {
        let sync = channel.pipeline.syncOperations
        if let tls {
            try sync.addHandler(NIOSSLServerHandler(context: tls))
        }
        try sync.addHandler(
            HTTPVersionDetector(idleTimeout: self.limits.idleTimeout) { version, context in
                switch version {
                case .http1: try self.configureHTTP1(context)
                case .http2: try self.configureHTTP2(context)
                }
            })
    }

    private func configureHTTP1(_ context: ChannelHandlerContext) throws {
        let sync = context.pipeline.syncOperations
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = self.limits.maxHeaderListBytes
        decoderLimits.maxHeaderFieldSize = self.limits.maxHeaderListBytes
        try sync.configureHTTPServerPipeline(
            withPipeliningAssistance: true, withErrorHandling: true,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
        try sync.addHandler(HTTP1IdleTimeout(timeout: self.limits.idleTimeout))
        let mailbox = ReplyMailbox(eventLoop: context.eventLoop, coalescer: nil)
        try sync.addHandler(self.makeCallHandler(HTTP1Framing.self, mailbox: mailbox))
    }

    /// Adds the connection manager (idle timeout, graceful GOAWAY on shutdown) and the HTTP/2
    /// handler. The detector runs after the connection became active, so the manager is added
    /// first and shown `channelActive` (it starts its idle timer then); the HTTP/2 handler,
    /// added in front of it, sends its preface as soon as it is added to an active channel.
    /// In front of that again, a ``FlushCoalescer`` lets the connection's ``ReplyMailbox`` send a
    /// batch of answers with one flush.
    private func configureHTTP2(_ context: ChannelHandlerContext) throws {
        let sync = context.pipeline.syncOperations
        let manager = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: context.eventLoop,
            configuration: .init(
                maxIdleTime: self.limits.idleTimeout, maxAge: nil,
                maxGraceTime: self.limits.shutdownGracePeriod, keepalive: nil))
        try sync.addHandler(manager)
        context.fireChannelActive()

        let coalescer = FlushCoalescer()
        let mailbox = ReplyMailbox(eventLoop: context.eventLoop, coalescer: coalescer)
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: self.limits.maxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: self.limits.maxHeaderListBytes),
        ]
        let http2 = NIOHTTP2Handler(
            mode: .server, eventLoop: context.eventLoop,
            connectionConfiguration: connection, streamConfiguration: .init(),
            streamDelegate: manager.http2StreamDelegate
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(
                    self.makeCallHandler(HTTP2Framing.self, mailbox: mailbox))
            }
        }
        try sync.addHandler(coalescer, position: .before(manager))
        try sync.addHandler(http2, position: .before(manager))
        try sync.addHandler(CloseOnError(logger: self.logger))
    }

    private func makeCallHandler<Framing: HTTPFraming>(
        _ framing: Framing.Type, mailbox: ReplyMailbox
    ) -> ConnectCallHandler<Framing> {
        ConnectCallHandler<Framing>(
            router: self.router, limits: self.limits, calls: self.calls, mailbox: mailbox, logger: self.logger
        )
    }
}
