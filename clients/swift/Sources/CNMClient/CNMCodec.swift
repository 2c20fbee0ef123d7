import SwiftProtobuf

/// How request and response messages are written on the wire.
public enum CNMCodec: String, Sendable, Hashable, CaseIterable {
    /// Canonical proto3 JSON (`application/json`, streams `application/connect+json`).
    case json
    /// Binary protobuf (`application/proto`, streams `application/connect+proto`).
    case proto

    /// The `content-type` of a unary request and its successful response.
    public var unaryContentType: String { "application/\(rawValue)" }

    /// The `content-type` of a streaming request and response.
    public var streamContentType: String { "application/connect+\(rawValue)" }

    func encode(_ message: some SwiftProtobuf.Message) throws(CNMError) -> [UInt8] {
        do {
            switch self {
            case .json: return try message.jsonUTF8Bytes()
            case .proto: return try message.serializedBytes()
            }
        } catch {
            throw CNMError(.internal, "cannot encode \(type(of: message).protoMessageName): \(error)")
        }
    }

    /// Decodes a response; unknown JSON fields are ignored so that a newer server's additions do
    /// not break an older client (Connect's rule; swift-protobuf's default is to reject them).
    func decode<M: SwiftProtobuf.Message>(_: M.Type, from bytes: [UInt8]) throws(CNMError) -> M {
        if bytes.isEmpty { return M() }  // Connect: an empty body is the default message.
        do {
            switch self {
            case .json:
                var options = JSONDecodingOptions()
                options.ignoreUnknownFields = true
                return try M(jsonUTF8Bytes: bytes, options: options)
            case .proto:
                return try M(serializedBytes: bytes)
            }
        } catch {
            throw CNMError(.internal, "cannot decode \(M.protoMessageName) from the response: \(error)")
        }
    }
}
