import Foundation

/// Reads a Connect end-of-stream message: `{}` on success, `{"error": {...}}` on failure,
/// optionally with `metadata` (trailers, which this client does not surface).
enum ConnectEndStream {
    /// `nil` when the stream ended successfully, else the error it ended with.
    /// - Throws: ``CNMError`` (`internal`) when the payload is not a JSON object.
    static func decode(_ payload: [UInt8]) throws(CNMError) -> CNMError? {
        if payload.isEmpty {
            throw CNMError(.internal, "protocol error: empty end-of-stream message")
        }
        guard let object = ConnectErrorBody.jsonObject(payload) else {
            throw CNMError(.internal, "protocol error: end-of-stream message is not a JSON object")
        }
        guard let error = object["error"], !(error is NSNull) else { return nil }
        guard let errorObject = error as? [String: Any] else {
            throw CNMError(.internal, "protocol error: end-of-stream 'error' is not an object")
        }
        return ConnectErrorBody.decode(object: errorObject, fallbackCode: .unknown)
    }
}
