import Foundation
import Testing

@testable import CNMClient

@Suite("Connect error bodies and the HTTP status fallback")
struct ConnectErrorBodyTests {
    private func body(_ json: String) -> [UInt8] { Array(json.utf8) }

    @Test("a Connect error body gives its code and message")
    func parsesCodeAndMessage() {
        let error = ConnectErrorBody.error(
            httpStatus: 404, contentType: "application/json",
            body: body(#"{"code":"not_found","message":"network \"web\" not found"}"#))
        #expect(error.code == .notFound)
        #expect(error.message == #"network "web" not found"#)
        #expect(error.details.isEmpty)
    }

    @Test("the body's code wins over the status, which Connect maps differently")
    func bodyCodeWinsOverStatus() {
        let error = ConnectErrorBody.error(
            httpStatus: 400, contentType: "application/json; charset=utf-8",
            body: body(#"{"code":"failed_precondition","message":"network web has active endpoints"}"#))
        #expect(error.code == .failedPrecondition)
    }

    @Test("details are decoded from unpadded base64 and lose the type URL prefix")
    func parsesDetails() {
        let error = ConnectErrorBody.error(
            httpStatus: 503, contentType: "application/json",
            body: body(
                #"{"code":"unavailable","message":"busy","details":[{"type":"google.rpc.RetryInfo","value":"CgIIPA","debug":{"retryDelay":"30s"}},{"type":"type.googleapis.com/cnm.v1.Network","value":"CgN3ZWI="}]}"#
            ))
        #expect(
            error.details == [
                CNMError.Detail(type: "google.rpc.RetryInfo", value: Data([0x0A, 0x02, 0x08, 0x3C])),
                CNMError.Detail(type: "cnm.v1.Network", value: Data([0x0A, 0x03, 0x77, 0x65, 0x62])),
            ])
    }

    @Test(
        "without a usable body the code comes from the status, per Connect's client mapping",
        arguments: [
            (400, CNMErrorCode.internal), (401, .unauthenticated), (403, .permissionDenied),
            (404, .unimplemented), (429, .unavailable), (502, .unavailable), (503, .unavailable),
            (504, .unavailable), (500, .unknown), (415, .unknown), (409, .unknown),
        ])
    func infersCodeFromStatus(status: Int, expected: CNMErrorCode) {
        let error = ConnectErrorBody.error(httpStatus: status, contentType: nil, body: [])
        #expect(error.code == expected)
        #expect(error.message.hasPrefix("HTTP \(status)"))
    }

    @Test("a body that is not JSON, or not a JSON object, falls back to the status")
    func invalidBodiesFallBack() {
        for (contentType, text) in [
            ("text/plain", "unsupported media type"), ("application/json", "not json"),
            ("application/json", "[1,2]"), ("application/json", ""),
        ] {
            let error = ConnectErrorBody.error(httpStatus: 415, contentType: contentType, body: body(text))
            #expect(error.code == .unknown, "\(contentType) \(text)")
        }
    }

    @Test("a short plain-text body is kept in the message")
    func keepsPlainTextBody() {
        let error = ConnectErrorBody.error(
            httpStatus: 415, contentType: "text/plain", body: body("unsupported content-type\n"))
        #expect(error.message == "HTTP 415 Unsupported Media Type: unsupported content-type")
    }

    @Test("an unknown or missing code takes the status code but keeps the message")
    func unknownCodeKeepsMessage() {
        let unknown = ConnectErrorBody.error(
            httpStatus: 403, contentType: "application/json", body: body(#"{"code":"nope","message":"m"}"#))
        #expect(unknown.code == .permissionDenied)
        #expect(unknown.message == "m")
        let missing = ConnectErrorBody.error(
            httpStatus: 401, contentType: "application/json", body: body(#"{"message":"who are you"}"#))
        #expect(missing.code == .unauthenticated)
        #expect(missing.message == "who are you")
        let null = ConnectErrorBody.error(
            httpStatus: 404, contentType: "application/json", body: body(#"{"code":null}"#))
        #expect(null.code == .unimplemented)
        #expect(null.message == "HTTP 404 Not Found")
    }

    @Test("each code maps to the status of Connect's table")
    func codeToStatusTable() {
        let table: [CNMErrorCode: Int] = [
            .canceled: 499, .unknown: 500, .invalidArgument: 400, .deadlineExceeded: 504, .notFound: 404,
            .alreadyExists: 409, .permissionDenied: 403, .resourceExhausted: 429, .failedPrecondition: 400,
            .aborted: 409, .outOfRange: 400, .unimplemented: 501, .internal: 500, .unavailable: 503,
            .dataLoss: 500, .unauthenticated: 401,
        ]
        #expect(CNMErrorCode.allCases.count == 16)
        for code in CNMErrorCode.allCases {
            #expect(code.httpStatus == table[code], "\(code)")
        }
    }
}

@Suite("Connect end-of-stream messages")
struct ConnectEndStreamTests {
    @Test("an empty object, or one with metadata only, ends the stream successfully")
    func successfulEnd() throws {
        #expect(try ConnectEndStream.decode(Array("{}".utf8)) == nil)
        #expect(try ConnectEndStream.decode(Array(#"{"metadata":{"x-a":["b"]}}"#.utf8)) == nil)
    }

    @Test("an error member becomes the stream's error")
    func errorEnd() throws {
        let error = try ConnectEndStream.decode(
            Array(#"{"error":{"code":"resource_exhausted","message":"too many watchers"}}"#.utf8))
        #expect(error == CNMError(.resourceExhausted, "too many watchers"))
    }

    @Test("an error without a valid code is still an error, of code unknown")
    func errorWithoutCode() throws {
        let error = try ConnectEndStream.decode(Array(#"{"error":{"message":"odd"}}"#.utf8))
        #expect(error == CNMError(.unknown, "odd"))
    }

    @Test(
        "a payload that is not a JSON object, or whose error is not an object, is a protocol error",
        arguments: [
            ("", "empty end-of-stream message"), ("[]", "is not a JSON object"),
            ("nope", "is not a JSON object"), (#"{"error":"x"}"#, "'error' is not an object"),
        ])
    func malformedEnd(payload: String, reason: String) {
        #expect {
            try ConnectEndStream.decode(Array(payload.utf8))
        } throws: { error in
            guard let error = error as? CNMError else { return false }
            return error.code == .internal && error.message.contains(reason)
        }
    }
}
