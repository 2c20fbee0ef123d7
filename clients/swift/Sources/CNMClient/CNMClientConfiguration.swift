/// Everything a ``CNMClient`` needs to reach cnmd.
public struct CNMClientConfiguration: Sendable {
    /// Where cnmd listens.
    public var endpoint: CNMEndpoint
    /// Certificates for a ``CNMEndpoint/tls(host:port:)`` endpoint; ignored otherwise.
    public var tls: CNMTLSConfiguration
    /// The message encoding on the wire.
    public var codec: CNMCodec
    /// The deadline of a unary call that sets none itself; `nil` means none.
    /// Streams (``CNMClient/watchEvents(_:options:)``) only get the deadline their call sets.
    public var defaultTimeout: Duration?
    /// How long establishing the connection (including TLS) may take.
    public var connectTimeout: Duration
    /// The largest response body (unary) or stream message accepted.
    public var maxResponseBytes: Int

    public init(
        endpoint: CNMEndpoint = .default,
        tls: CNMTLSConfiguration = .init(),
        codec: CNMCodec = .json,
        defaultTimeout: Duration? = .seconds(60),
        connectTimeout: Duration = .seconds(10),
        maxResponseBytes: Int = 64 << 20
    ) {
        self.endpoint = endpoint
        self.tls = tls
        self.codec = codec
        self.defaultTimeout = defaultTimeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
    }
}
