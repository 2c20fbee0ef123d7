import Foundation

/// Reads Connect error JSON: the body of a failed unary call, and the `error` member of a
/// stream's end-of-stream message.
///
/// Hand-written with `JSONSerialization` rather than `Codable`: the body is untrusted, any of its
/// members may be missing, `null` or of the wrong type, and each such case has a defined
/// fallback (the code implied by the HTTP status) instead of a decoding failure.
enum ConnectErrorBody {
    /// The error a non-200 response stands for: the body's code and message when the body is a
    /// Connect error, otherwise the code Connect infers from the HTTP status.
    static func error(httpStatus: Int, contentType: String?, body: [UInt8]) -> CNMError {
        let inferred = CNMErrorCode(inferringFromHTTPStatus: httpStatus)
        if isJSON(contentType), let object = jsonObject(body) {
            var error = decode(object: object, fallbackCode: inferred)
            if error.message.isEmpty {
                error.message = statusMessage(httpStatus, body: [])
            }
            return error
        }
        return CNMError(inferred, statusMessage(httpStatus, body: body))
    }

    /// Decodes one Connect error object (`{"code", "message", "details"}`). A missing or unknown
    /// `code` becomes `fallbackCode`; malformed details are skipped.
    static func decode(object: [String: Any], fallbackCode: CNMErrorCode) -> CNMError {
        let code = (object["code"] as? String).flatMap(CNMErrorCode.init(rawValue:)) ?? fallbackCode
        let message = object["message"] as? String ?? ""
        let details = (object["details"] as? [Any] ?? []).compactMap(detail(from:))
        return CNMError(code, message, details: details)
    }

    static func jsonObject(_ bytes: [UInt8]) -> [String: Any]? {
        guard !bytes.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    private static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1)[0]
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }

    private static func detail(from value: Any) -> CNMError.Detail? {
        guard let object = value as? [String: Any], var type = object["type"] as? String,
            let encoded = object["value"] as? String, let data = base64Decode(encoded)
        else { return nil }
        if let slash = type.lastIndex(of: "/") {
            type = String(type[type.index(after: slash)...])
        }
        return CNMError.Detail(type: type, value: data)
    }

    /// Standard or URL-safe base64, padded or not (Connect writes it unpadded).
    private static func base64Decode(_ text: String) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard = standard.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        let remainder = standard.count % 4
        if remainder == 1 { return nil }
        if remainder > 0 { standard += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: standard)
    }

    /// `HTTP 415 Unsupported Media Type`, plus the body when it is short readable text.
    private static func statusMessage(_ status: Int, body: [UInt8]) -> String {
        var message = "HTTP \(status)"
        if let reason = reasonPhrases[status] { message += " \(reason)" }
        if !body.isEmpty, body.count <= 512, let text = String(validating: body, as: UTF8.self) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { message += ": \(trimmed)" }
        }
        return message
    }

    private static let reasonPhrases: [Int: String] = [
        400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 413: "Content Too Large",
        415: "Unsupported Media Type", 429: "Too Many Requests", 499: "Client Closed Request",
        500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
        503: "Service Unavailable", 504: "Gateway Timeout",
    ]
}
