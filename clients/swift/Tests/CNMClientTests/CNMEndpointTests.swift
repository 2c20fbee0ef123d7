import Testing

@testable import CNMClient

@Suite("Endpoint strings (--host, CNM_HOST)")
struct CNMEndpointTests {
    @Test(
        "the three accepted forms parse and print back the same",
        arguments: [
            ("unix:///run/cnm/cnmd.sock", CNMEndpoint.unix(path: "/run/cnm/cnmd.sock")),
            ("h2c://127.0.0.1:7070", .h2c(host: "127.0.0.1", port: 7070)),
            ("https://cnm.example:7443", .tls(host: "cnm.example", port: 7443)),
            ("h2c://[::1]:7070", .h2c(host: "::1", port: 7070)),
            ("https://localhost:443", .tls(host: "localhost", port: 443)),
        ])
    func parsesAndPrints(text: String, expected: CNMEndpoint) throws {
        let endpoint = try CNMEndpoint(parsing: text)
        #expect(endpoint == expected)
        #expect(endpoint.description == text)
    }

    @Test("the scheme is case-insensitive and a trailing slash after the port is allowed")
    func lenientForms() throws {
        #expect(try CNMEndpoint(parsing: "HTTPS://h:1/") == .tls(host: "h", port: 1))
    }

    @Test("the default endpoint is cnmd's socket")
    func defaultEndpoint() {
        #expect(CNMEndpoint.default.description == "unix:///run/cnm/cnmd.sock")
    }

    @Test(
        "malformed values are refused with a reason that names what is wrong",
        arguments: [
            ("/run/cnm/cnmd.sock", "expected unix:///PATH"),
            ("unix://relative.sock", "absolute path"),
            ("tcp://1.2.3.4:5", "unknown scheme 'tcp'"),
            ("http://1.2.3.4:5", "unknown scheme 'http'"),
            ("h2c://localhost", "port is required"),
            ("h2c://localhost:http", "'http' is not a port"),
            ("h2c://localhost:0", "'0' is not a port"),
            ("h2c://localhost:65536", "'65536' is not a port"),
            ("h2c://:80", "host is empty"),
            ("h2c://::1:80", "brackets"),
            ("h2c://[::1:80", "missing ']'"),
            ("https://h:1/path", "path is not allowed"),
        ])
    func refusesMalformed(text: String, reason: String) {
        #expect {
            try CNMEndpoint(parsing: text)
        } throws: { error in
            guard let error = error as? CNMEndpointError else { return false }
            return error.value == text && error.reason.contains(reason) && error.description.contains(text)
        }
    }

    @Test("the HTTP/2 authority and scheme follow the endpoint")
    func authorityAndScheme() {
        #expect(CNMEndpoint.unix(path: "/s").authority == "localhost")
        #expect(CNMEndpoint.unix(path: "/s").scheme == "http")
        #expect(CNMEndpoint.h2c(host: "::1", port: 80).authority == "[::1]:80")
        #expect(CNMEndpoint.tls(host: "a", port: 1).scheme == "https")
    }
}
