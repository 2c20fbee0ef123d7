import Logging
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL

/// Builds the pipeline of an accepted connection: optional TLS, then detection of HTTP/2 or
/// HTTP/1.1, then that protocol's handlers ending in a ``ConnectHTTPHandler`` (per connection
/// for HTTP/1.1, per stream for HTTP/2). The limits of ``ServerLimits`` are applied here.
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
                case .http1: try self.configureHTTP1(context.pipeline.syncOperations)
                case .http2: try self.configureHTTP2(context)
                }
            })
    }

    private func configureHTTP1(_ sync: ChannelPipeline.SynchronousOperations) throws {
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = self.limits.maxHeaderListBytes
        decoderLimits.maxHeaderFieldSize = self.limits.maxHeaderListBytes
        try sync.configureHTTPServerPipeline(
            withPipeliningAssistance: true, withErrorHandling: true,
            withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
        try sync.addHandler(HTTP1IdleTimeout(timeout: self.limits.idleTimeout))
        try sync.addHandler(self.makeCallHandler())
    }

    /// Adds the connection manager (idle timeout, graceful GOAWAY on shutdown) and the HTTP/2
    /// handler. The detector runs after the connection became active, so the manager is added
    /// first and shown `channelActive` (it starts its idle timer then); the HTTP/2 handler,
    /// added in front of it, sends its preface as soon as it is added to an active channel.
    private func configureHTTP2(_ context: ChannelHandlerContext) throws {
        let sync = context.pipeline.syncOperations
        let manager = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: context.eventLoop,
            configuration: .init(
                maxIdleTime: self.limits.idleTimeout, maxAge: nil,
                maxGraceTime: self.limits.shutdownGracePeriod, keepalive: nil))
        try sync.addHandler(manager)
        context.fireChannelActive()

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
                let streamSync = stream.pipeline.syncOperations
                try streamSync.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try streamSync.addHandler(self.makeCallHandler())
            }
        }
        try sync.addHandler(http2, position: .before(manager))
        try sync.addHandler(CloseOnError(logger: self.logger))
    }

    private func makeCallHandler() -> ConnectHTTPHandler {
        ConnectHTTPHandler(router: self.router, limits: self.limits, calls: self.calls, logger: self.logger)
    }
}
