import NIOHTTP1

/// What a handler may want to know about the call it serves, beyond the request message.
///
/// Handlers read it through ``ConnectRequestContext/current`` (a task-local value), so the
/// handler signatures stay `(Request) async throws -> Response`.
public struct ConnectRequestContext: Sendable {
    /// The procedure called, e.g. `/cnm.v1.NetworkService/CreateNetwork`.
    public var procedure: String
    /// The request headers as received (custom metadata included).
    public var headers: HTTPHeaders
    /// When the call must be done by, from `connect-timeout-ms`; `nil` means no deadline.
    public var deadline: ContinuousClock.Instant?

    /// Creates a context.
    public init(procedure: String, headers: HTTPHeaders, deadline: ContinuousClock.Instant?) {
        self.procedure = procedure
        self.headers = headers
        self.deadline = deadline
    }

    /// The context of the call the current task serves; `nil` outside a handler.
    @TaskLocal public static var current: ConnectRequestContext?
}
