/// The sixteen Connect error codes, spelled on the wire as their raw values.
public enum CNMErrorCode: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case canceled
    case unknown
    case invalidArgument = "invalid_argument"
    case deadlineExceeded = "deadline_exceeded"
    case notFound = "not_found"
    case alreadyExists = "already_exists"
    case permissionDenied = "permission_denied"
    case resourceExhausted = "resource_exhausted"
    case failedPrecondition = "failed_precondition"
    case aborted
    case outOfRange = "out_of_range"
    case unimplemented
    case `internal`
    case unavailable
    case dataLoss = "data_loss"
    case unauthenticated

    public var description: String { rawValue }

    /// The HTTP status a Connect server answers with for this code.
    public var httpStatus: Int {
        switch self {
        case .canceled: 499
        case .unknown, .internal, .dataLoss: 500
        case .invalidArgument, .failedPrecondition, .outOfRange: 400
        case .deadlineExceeded: 504
        case .notFound: 404
        case .alreadyExists, .aborted: 409
        case .permissionDenied: 403
        case .resourceExhausted: 429
        case .unimplemented: 501
        case .unavailable: 503
        case .unauthenticated: 401
        }
    }

    /// The code a client infers from the HTTP status of a non-200 response that carries no
    /// usable Connect error body (Connect's client-side mapping, which is not the inverse of
    /// ``httpStatus``).
    public init(inferringFromHTTPStatus status: Int) {
        switch status {
        case 400: self = .internal
        case 401: self = .unauthenticated
        case 403: self = .permissionDenied
        case 404: self = .unimplemented
        case 429, 502, 503, 504: self = .unavailable
        default: self = .unknown
        }
    }
}
