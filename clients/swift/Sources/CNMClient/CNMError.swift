import Foundation
import SwiftProtobuf

/// An error from a cnmd call: a Connect error the server sent, or one the client inferred
/// (HTTP status without a usable body, transport failure, deadline, cancellation).
public struct CNMError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The Connect code.
    public var code: CNMErrorCode
    /// The server's message, or the client's account of what failed.
    public var message: String
    /// Structured details attached by the server.
    public var details: [Detail]

    /// One entry of a Connect error's `details`: a protobuf message in binary form.
    public struct Detail: Sendable, Hashable {
        /// The fully-qualified message name, without the `type.googleapis.com/` prefix.
        public var type: String
        /// The message's binary protobuf encoding.
        public var value: Data

        public init(type: String, value: Data) {
            self.type = type
            self.value = value
        }

        /// Decodes the detail as `M` when its ``type`` names `M`, else `nil`.
        public func unpack<M: SwiftProtobuf.Message>(_: M.Type) -> M? {
            guard type == M.protoMessageName else { return nil }
            return try? M(serializedBytes: value)
        }
    }

    public init(_ code: CNMErrorCode, _ message: String, details: [Detail] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// `code: message`, e.g. `not_found: network "web" not found`.
    public var description: String {
        message.isEmpty ? code.rawValue : "\(code.rawValue): \(message)"
    }

    /// The message alone (the CLI prints it as `Error: MESSAGE`), or the code when there is none.
    public var errorDescription: String? {
        message.isEmpty ? code.rawValue : message
    }
}
