import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP2

/// Watches a connection from the tail of its pipeline: remembers the first error it reports
/// (TLS alert, HTTP/2 protocol error, reset socket), so that calls failing because of it can say
/// why, and notes a GOAWAY, after which the connection takes no new calls.
///
/// It only records: the HTTP/2 handler closes the connection on connection-level errors itself,
/// and a stream-level error must not take the other calls down.
final class ConnectionMonitor: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTP2Frame

    private struct Observations {
        var firstError: (any Error)?
        var goingAway = false
    }

    private let observations = NIOLockedValueBox(Observations())

    /// The first error seen, if any.
    var firstError: (any Error)? { observations.withLockedValue { $0.firstError } }

    /// Whether the server announced that it will close the connection (GOAWAY).
    var goingAway: Bool { observations.withLockedValue { $0.goingAway } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .goAway = unwrapInboundIn(data).payload {
            observations.withLockedValue { $0.goingAway = true }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        observations.withLockedValue { observed in
            if observed.firstError == nil { observed.firstError = error }
        }
    }
}
