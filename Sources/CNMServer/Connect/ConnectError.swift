import Foundation
import NIOHTTP1

/// An error as the Connect protocol carries it: one of the sixteen codes and a message.
///
/// Unary calls send it as a non-200 response with a JSON body; server streams send it in the
/// end-of-stream message. Handlers throw it (or an error conforming to
/// ``ConnectErrorConvertible``) to choose the code the client sees.
public struct ConnectError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Connect error codes and their HTTP statuses (connect.md §2).
    public enum Code: String, Sendable, CaseIterable {
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

        /// The HTTP status a unary error response carries for this code.
        public var httpStatus: HTTPResponseStatus {
            switch self {
            case .canceled: return .custom(code: 499, reasonPhrase: "Client Closed Request")
            case .unknown, .internal, .dataLoss: return .internalServerError
            case .invalidArgument, .failedPrecondition, .outOfRange: return .badRequest
            case .deadlineExceeded: return .gatewayTimeout
            case .notFound: return .notFound
            case .alreadyExists, .aborted: return .conflict
            case .permissionDenied: return .forbidden
            case .resourceExhausted: return .tooManyRequests
            case .unimplemented: return .notImplemented
            case .unavailable: return .serviceUnavailable
            case .unauthenticated: return .unauthorized
            }
        }
    }

    /// The code the client sees.
    public var code: Code
    /// A message for humans; empty means none.
    public var message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(self.code.rawValue): \(self.message)" }

    /// The error as Connect's JSON object: `{"code": "...", "message": "..."}` (message omitted
    /// when empty, as connect-go does).
    public var jsonObject: [String: String] {
        var object = ["code": self.code.rawValue]
        if !self.message.isEmpty {
            object["message"] = self.message
        }
        return object
    }

    /// The JSON body of a unary error response.
    public var jsonBody: Data {
        // Keys sorted so the output is stable; the values are plain strings, so encoding cannot fail.
        (try? JSONSerialization.data(withJSONObject: self.jsonObject, options: [.sortedKeys])) ?? Data()
    }
}

/// An error that knows which Connect error it is. The service bindings conform the
/// controller's errors to it; anything else a handler throws becomes `unknown`.
public protocol ConnectErrorConvertible: Error {
    /// The Connect error to send for this error.
    var connectError: ConnectError { get }
}

extension ConnectError {
    /// Maps anything a handler threw to the Connect error the client sees.
    static func from(_ error: any Error) -> ConnectError {
        switch error {
        case let error as ConnectError:
            return error
        case let error as any ConnectErrorConvertible:
            return error.connectError
        case is CancellationError:
            return ConnectError(.canceled, "the call was canceled")
        default:
            return ConnectError(.unknown, String(describing: error))
        }
    }
}
