import Foundation
import SwiftProtobuf

/// The two message encodings a Connect call may use: canonical proto3 JSON and binary protobuf.
public enum ConnectCodec: String, Sendable, CaseIterable {
    case json
    case proto

    /// Unknown JSON fields are ignored, as every Connect implementation does, so that a newer
    /// client can talk to an older server (swift-protobuf's own default is to reject them).
    static let jsonDecodingOptions: JSONDecodingOptions = {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        return options
    }()

    /// Decodes one message; a failure becomes `invalid_argument` naming the message type.
    func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from bytes: [UInt8]) throws(ConnectError) -> M {
        do {
            switch self {
            case .json:
                // An empty body is the default message, as connect-go treats it.
                if bytes.isEmpty { return M() }
                return try M(jsonUTF8Bytes: bytes, options: Self.jsonDecodingOptions)
            case .proto:
                return try M(serializedBytes: bytes)
            }
        } catch {
            throw ConnectError(
                .invalidArgument, "cannot decode \(M.protoMessageName) from \(self.rawValue): \(error)")
        }
    }

    /// Encodes one message.
    func encode(_ message: some SwiftProtobuf.Message) throws(ConnectError) -> [UInt8] {
        do {
            switch self {
            case .json:
                return try message.jsonUTF8Bytes()
            case .proto:
                return try message.serializedBytes()
            }
        } catch {
            throw ConnectError(
                .internal, "cannot encode \(type(of: message).protoMessageName) as \(self.rawValue): \(error)"
            )
        }
    }
}
