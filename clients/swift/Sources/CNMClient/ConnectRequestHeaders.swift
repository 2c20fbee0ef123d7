import NIOHPACK

/// The HTTP/2 request headers of a Connect call.
enum ConnectRequestHeaders {
    static let userAgent = "cnm-swift-client/1 (connect)"

    /// - Parameters:
    ///   - contentLength: the body length of a unary call; `nil` for a stream.
    /// - Throws: ``CNMError`` (`invalid_argument`) for a custom header that is reserved or
    ///   not a valid header name.
    static func make(
        endpoint: CNMEndpoint, path: String, contentType: String, timeout: Duration?,
        contentLength: Int?, custom: [(name: String, value: String)]
    ) throws(CNMError) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.add(name: ":method", value: "POST")
        headers.add(name: ":scheme", value: endpoint.scheme)
        headers.add(name: ":authority", value: endpoint.authority)
        headers.add(name: ":path", value: path)
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "connect-protocol-version", value: "1")
        if let timeout {
            headers.add(name: "connect-timeout-ms", value: String(timeoutMilliseconds(timeout)))
        }
        if let contentLength {
            headers.add(name: "content-length", value: String(contentLength))
        }
        headers.add(name: "user-agent", value: userAgent)
        for (name, value) in custom {
            let lowered = name.lowercased()
            guard isToken(lowered), !lowered.hasPrefix("connect-"), !reserved.contains(lowered) else {
                throw CNMError(.invalidArgument, "header '\(name)' cannot be set on a call")
            }
            guard !value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x00 }) else {
                throw CNMError(.invalidArgument, "the value of header '\(name)' contains a line break")
            }
            headers.add(name: lowered, value: value)
        }
        return headers
    }

    /// `connect-timeout-ms`: whole milliseconds, rounded up so that a short deadline never
    /// becomes 0, and at most 10 digits as the protocol allows.
    static func timeoutMilliseconds(_ timeout: Duration) -> Int64 {
        let (seconds, attoseconds) = timeout.components
        guard seconds >= 0, attoseconds >= 0 else { return 1 }
        let maximum: Int64 = 9_999_999_999
        guard seconds < maximum / 1000 else { return maximum }
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return min(max(milliseconds, 1), maximum)
    }

    private static let reserved: Set<String> = [
        "content-type", "content-length", "content-encoding", "accept-encoding", "te", "host",
        "connection", "transfer-encoding", "upgrade", "keep-alive", "proxy-connection",
    ]

    private static func isToken(_ name: String) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
                case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
                default: false
                }
            }
    }
}
