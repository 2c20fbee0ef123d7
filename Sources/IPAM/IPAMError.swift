/// A failure of IPAM: a malformed value, an overlap, an address in use, an exhausted pool.
///
/// `kind` tells the controller which Connect code to answer with; `field` and `value` say what
/// was wrong, and `message` is the human text (it always names the field and the value).
public struct IPAMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, in the terms of the API's error codes.
    public enum Kind: String, Sendable, Hashable {
        /// A malformed or contradictory value (Connect `invalid_argument`).
        case invalidArgument
        /// A subnet overlaps another network's subnet or a host route (Connect `failed_precondition`).
        case overlap
        /// An address or subnet is already taken (Connect `already_exists`).
        case inUse
        /// No subnet left in the pools, or no address left in a subnet (Connect `resource_exhausted`).
        case exhausted
        /// A subnet or address to release is not allocated (Connect `not_found`).
        case notFound
    }

    /// What went wrong.
    public let kind: Kind
    /// The field the value came from, e.g. "subnet", "ip-range", "gateway", "address".
    public let field: String
    /// The offending value as text.
    public let value: String
    /// The human message, naming field and value.
    public let message: String

    /// Creates an error; `message` should name `field` and `value`.
    public init(_ kind: Kind, field: String, value: String, message: String) {
        self.kind = kind
        self.field = field
        self.value = value
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ field: String, _ value: String, _ reason: String) -> IPAMError {
        IPAMError(
            .invalidArgument, field: field, value: value, message: "invalid \(field) \(value): \(reason)")
    }
}
