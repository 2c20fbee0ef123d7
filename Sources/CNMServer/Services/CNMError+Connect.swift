import CNMCore

/// The controller's error codes are a subset of Connect's and keep their message.
extension CNMError: ConnectErrorConvertible {
    public var connectError: ConnectError {
        let code: ConnectError.Code
        switch self.code {
        case .invalidArgument: code = .invalidArgument
        case .notFound: code = .notFound
        case .alreadyExists: code = .alreadyExists
        case .permissionDenied: code = .permissionDenied
        case .failedPrecondition: code = .failedPrecondition
        case .resourceExhausted: code = .resourceExhausted
        case .unimplemented: code = .unimplemented
        case .internalError: code = .internal
        case .unavailable: code = .unavailable
        }
        return ConnectError(code, self.message)
    }
}
