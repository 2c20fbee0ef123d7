import NIOCore
import NIOHTTP1

/// A complete HTTP response, written in one go: every unary answer and every early rejection.
struct HTTPReply: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer

    init(status: HTTPResponseStatus, headers: HTTPHeaders = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A Connect error: the code's status and the JSON body, whatever the request's codec was.
    init(error: ConnectError) {
        self.init(
            status: error.code.httpStatus,
            headers: ["content-type": "application/json"],
            body: ByteBuffer(bytes: error.jsonBody))
    }

    /// A plain HTTP rejection with no Connect body (405, 415), as connect-go answers.
    static func plain(_ status: HTTPResponseStatus, headers: HTTPHeaders) -> HTTPReply {
        HTTPReply(status: status, headers: headers)
    }
}
