import NIOCore

/// The limits every connection is held to. The defaults suit a local control-plane daemon:
/// small messages, many concurrent calls from few clients.
public struct ServerLimits: Sendable {
    /// Largest request body, and largest message after decompression: 4 MiB. Beyond it a call
    /// fails with `resource_exhausted`.
    public var maxMessageBytes: Int = 4 << 20

    /// HTTP/2 `SETTINGS_MAX_CONCURRENT_STREAMS`: 256 calls at once per connection.
    /// Well-behaved clients queue beyond it; a peer that opens more anyway has its whole
    /// connection closed by NIO with GOAWAY `PROTOCOL_ERROR` (measured by ReliabilityTests).
    public var maxConcurrentStreams: Int = 256

    /// Largest header block: 16 KiB, as HTTP/2 `SETTINGS_MAX_HEADER_LIST_SIZE` and as the
    /// HTTP/1.1 header limit.
    public var maxHeaderListBytes: Int = 16 << 10

    /// A connection with no call in flight for this long is closed (HTTP/2 with GOAWAY):
    /// 5 minutes. A connection that never sends a request is closed after the same time.
    public var idleTimeout: TimeAmount = .minutes(5)

    /// During a graceful shutdown, HTTP/2 connections whose calls have not ended after this long
    /// are closed: 30 seconds.
    public var shutdownGracePeriod: TimeAmount = .seconds(30)

    /// The default limits.
    public init() {}
}
