/// An error of the controller, classified by what the caller did wrong (or what
/// went wrong in the kernel). The codes are the Connect codes the API answers
/// with; CNMServer maps them 1:1, the CLI prints the message.
public struct CNMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; raw values are Connect's wire names.
    public enum Code: String, Sendable, Equatable {
        case invalidArgument = "invalid_argument"
        case notFound = "not_found"
        case alreadyExists = "already_exists"
        case permissionDenied = "permission_denied"
        case failedPrecondition = "failed_precondition"
        case resourceExhausted = "resource_exhausted"
        case unimplemented = "unimplemented"
        case internalError = "internal"
        case unavailable = "unavailable"
    }

    public var code: Code
    /// A sentence for humans that names the object, field or value involved.
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    static func notFound(_ kind: String, _ reference: String) -> CNMError {
        CNMError(.notFound, "\(kind) \(reference) not found")
    }
    static func invalid(_ field: String, _ value: String, _ why: String) -> CNMError {
        CNMError(.invalidArgument, "invalid \(field) \"\(value)\": \(why)")
    }
}
