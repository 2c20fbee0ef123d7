/// Per-call settings.
public struct CNMCallOptions: Sendable {
    /// The call's deadline, sent as `connect-timeout-ms` and enforced by the client too;
    /// `nil` takes ``CNMClientConfiguration/defaultTimeout`` (unary calls only).
    public var timeout: Duration?
    /// Extra request headers (custom metadata); names starting `connect-` are reserved and
    /// rejected with `invalid_argument`.
    public var headers: [(name: String, value: String)]

    public init(timeout: Duration? = nil, headers: [(name: String, value: String)] = []) {
        self.timeout = timeout
        self.headers = headers
    }

    /// No deadline of the call's own, no extra headers.
    public static let `default` = CNMCallOptions()
}
