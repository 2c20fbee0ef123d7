import Testing

@testable import CNMClient

@Suite("Connect request headers")
struct ConnectRequestHeadersTests {
    @Test("a unary request carries the Connect headers and the codec's content type")
    func unaryHeaders() throws {
        let headers = try ConnectRequestHeaders.make(
            endpoint: .h2c(host: "127.0.0.1", port: 7070), path: "/cnm.v1.SystemService/Health",
            contentType: CNMCodec.proto.unaryContentType, timeout: .seconds(2), contentLength: 0,
            custom: [(name: "X-Request-Id", value: "abc")])
        #expect(headers.first(name: ":method") == "POST")
        #expect(headers.first(name: ":scheme") == "http")
        #expect(headers.first(name: ":authority") == "127.0.0.1:7070")
        #expect(headers.first(name: ":path") == "/cnm.v1.SystemService/Health")
        #expect(headers.first(name: "content-type") == "application/proto")
        #expect(headers.first(name: "connect-protocol-version") == "1")
        #expect(headers.first(name: "connect-timeout-ms") == "2000")
        #expect(headers.first(name: "content-length") == "0")
        #expect(headers.first(name: "x-request-id") == "abc")
    }

    @Test("without a deadline no connect-timeout-ms is sent")
    func noTimeoutHeader() throws {
        let headers = try ConnectRequestHeaders.make(
            endpoint: .default, path: "/p", contentType: CNMCodec.json.streamContentType, timeout: nil,
            contentLength: nil, custom: [])
        #expect(headers.first(name: "connect-timeout-ms") == nil)
        #expect(headers.first(name: "content-length") == nil)
        #expect(headers.first(name: "content-type") == "application/connect+json")
    }

    @Test(
        "connect-timeout-ms rounds up to whole milliseconds and stays within 10 digits",
        arguments: [
            (Duration.milliseconds(1500), Int64(1500)), (.microseconds(1), 1), (.nanoseconds(1_000_001), 2),
            (.zero, 1), (.seconds(-3), 1), (.seconds(20_000_000_000), 9_999_999_999),
        ])
    func timeoutMilliseconds(timeout: Duration, expected: Int64) {
        #expect(ConnectRequestHeaders.timeoutMilliseconds(timeout) == expected)
    }

    @Test("custom headers may not use reserved names or carry line breaks")
    func refusesReservedHeaders() {
        for header in [
            (name: "connect-timeout-ms", value: "1"), (name: "Content-Type", value: "x"),
            (name: ":path", value: "/x"), (name: "bad name", value: "x"), (name: "x-ok", value: "a\r\nb"),
        ] {
            #expect(throws: CNMError.self, "\(header)") {
                try ConnectRequestHeaders.make(
                    endpoint: .default, path: "/p", contentType: "application/json", timeout: nil,
                    contentLength: 0, custom: [header])
            }
        }
    }
}
