import NIOCore
import NIOHTTP2

/// One established HTTP/2 connection to cnmd, on which each call opens a stream of its own.
struct HTTP2Connection: Sendable {
    /// A stream of the connection, as an async channel of HTTP/2 frame payloads.
    typealias Stream = NIOAsyncChannel<HTTP2Frame.FramePayload, HTTP2Frame.FramePayload>

    let channel: any Channel
    let multiplexer: NIOHTTP2Handler.AsyncStreamMultiplexer<Void>
    let monitor: ConnectionMonitor

    /// Whether new calls may use the connection: it is open and the server has not said
    /// GOAWAY.
    var isActive: Bool { channel.isActive && !monitor.goingAway }

    /// Opens a new stream for one call.
    func openStream() async throws -> Stream {
        try await multiplexer.openStream { stream in
            stream.eventLoop.makeCompletedFuture {
                try Stream(wrappingChannelSynchronously: stream)
            }
        }
    }

    /// Once the connection is closed, the first error its pipeline reported, if any: a better
    /// account of a broken call than the stream-level error the call itself sees.
    var closingError: (any Error)? { channel.isActive ? nil : monitor.firstError }

    /// Closes the connection; calls in flight fail with `unavailable`.
    func close() async {
        try? await channel.close()
    }

    /// Whether both values are the same connection.
    func isSame(as other: HTTP2Connection) -> Bool {
        channel === other.channel
    }
}
