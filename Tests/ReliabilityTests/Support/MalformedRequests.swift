import Foundation

/// One hostile request and what cnmd must answer to it.
struct MalformedRequest: Sendable {
    enum Transport: Sendable { case any, http1Only, http2Only }

    enum Expectation: Sendable {
        /// A 4xx answer; a JSON body, if any, carries a Connect `code`.
        case clientError
        /// HTTP 501 with Connect code `unimplemented`: what the Connect protocol prescribes for
        /// an unsupported `content-encoding`.
        case unimplemented
        /// A 4xx answer, or a clean refusal below HTTP: stream reset (HTTP/2) or the
        /// connection closed (malformed HTTP/1.1 framing, header lists over the limit).
        case refused
    }

    var category: String
    var method = "POST"
    var path: String
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []
    var transport = Transport.any
    /// HTTP/1.1: send the body with `transfer-encoding: chunked` instead of a length.
    var chunked = false
    /// HTTP/1.1: these bytes instead of a well-framed request.
    var raw: [UInt8]?
    var expectation = Expectation.clientError

    var summary: String {
        let head = "\(self.category): \(self.method) \(self.path.prefix(60))"
        let type = self.headers.first { $0.name == "content-type" }?.value ?? "-"
        return
            "\(head) [\(type)] \(self.body.count) bytes: \(String(decoding: self.body.prefix(80), as: UTF8.self))"
    }
}

/// Produces hostile requests from a seeded generator. Every request is invalid by
/// construction (truncated, wrong types, bad bytes, wrong framing…), so whatever its luck, it
/// must be refused; several of them name existing objects (a DeleteSandbox of a real sandbox
/// with a broken `force`), so that a half-applied request would show in the model.
struct MalformedRequestGenerator {
    private var random: SeededGenerator
    private let network: String
    private let sandbox: String
    /// 64 MiB of zeros, gzip-compressed (made once with the system's gzip).
    private let gzipBomb: [UInt8]

    init(seed: UInt64, network: String, sandbox: String, gzipBomb: [UInt8]) {
        self.random = SeededGenerator(seed: seed)
        self.network = network
        self.sandbox = sandbox
        self.gzipBomb = gzipBomb
    }

    static let json = [(name: "content-type", value: "application/json")]
    static let proto = [(name: "content-type", value: "application/proto")]

    enum Category: String, CaseIterable {
        case truncatedJSON = "truncated JSON"
        case wrongTypes = "wrong JSON types"
        case invalidUTF8 = "invalid UTF-8"
        case deepNesting = "deeply nested JSON"
        case hugeJSON = "huge JSON (1-3.9 MB)"
        case oversized = "oversized body (> 4 MiB)"
        case gzip = "broken gzip / gzip bomb"
        case unknownEncoding = "unsupported content-encoding"
        case contentType = "wrong content type"
        case method = "wrong HTTP method"
        case absurdHeaders = "absurd headers"
        case unknownPath = "unknown procedure"
        case proto = "malformed protobuf"
        case streamContentType = "stream with a unary content type"
        case framing = "malformed HTTP framing"
    }

    static let weights: [(Category, Int)] = [
        (.truncatedJSON, 140), (.wrongTypes, 150), (.invalidUTF8, 80), (.deepNesting, 50), (.hugeJSON, 2),
        (.oversized, 2), (.gzip, 40), (.unknownEncoding, 30), (.contentType, 80), (.method, 60),
        (.absurdHeaders, 80), (.unknownPath, 60), (.proto, 150), (.streamContentType, 20), (.framing, 40),
    ]

    /// The next request for a transport (HTTP/2 when `http2`).
    mutating func next(http2: Bool) -> MalformedRequest {
        switch self.random.weighted(Self.weights) {
        case .truncatedJSON: return self.truncatedJSON()
        case .wrongTypes: return self.wrongTypes()
        case .invalidUTF8: return self.invalidUTF8()
        case .deepNesting: return self.deepNesting()
        case .hugeJSON: return self.hugeJSON()
        case .oversized: return self.oversized(http2: http2)
        case .gzip: return self.gzip()
        case .unknownEncoding: return self.unknownEncoding()
        case .contentType: return self.contentType()
        case .method: return self.wrongMethod()
        case .absurdHeaders: return self.absurdHeaders()
        case .unknownPath: return self.unknownPath()
        case .proto: return self.malformedProto()
        case .streamContentType: return self.streamContentType()
        case .framing: return http2 ? self.http2Framing() : self.http1Framing()
        }
    }

    // MARK: - JSON

    /// Valid request bodies; every mutation below breaks them.
    private var templates: [(path: String, json: String)] {
        [
            ("/cnm.v1.NetworkService/CreateNetwork", #"{"name":"fz","driver":"bridge","labels":{"a":"b"}}"#),
            ("/cnm.v1.NetworkService/DeleteNetwork", #"{"network":"\#(self.network)"}"#),
            (
                "/cnm.v1.NetworkService/ConnectSandbox",
                #"{"network":"\#(self.network)","sandbox":"\#(self.sandbox)","endpointConfig":{"aliases":["a"]}}"#
            ),
            (
                "/cnm.v1.SandboxService/CreateSandbox",
                #"{"name":"fz","hostname":"h","extraHosts":["a:10.0.0.1"]}"#
            ),
            ("/cnm.v1.SandboxService/DeleteSandbox", #"{"sandbox":"\#(self.sandbox)","force":true}"#),
            ("/cnm.v1.EndpointService/CreateEndpoint", #"{"network":"\#(self.network)","name":"fz"}"#),
            ("/cnm.v1.NetworkService/ListNetworks", #"{"filters":{"name":{"values":["x"]}}}"#),
            ("/cnm.v1.SystemService/GetInfo", #"{"x":1}"#),
        ]
    }

    private mutating func truncatedJSON() -> MalformedRequest {
        let template = self.templates.randomElement(using: &self.random)!
        let bytes = Array(template.json.utf8)
        let cut = Int.random(in: 1..<bytes.count - 1, using: &self.random)
        return MalformedRequest(
            category: Category.truncatedJSON.rawValue, path: template.path, headers: Self.json,
            body: Array(bytes[0..<cut]))
    }

    /// JSON kinds of proto3 fields, and values of each that the field must reject (never
    /// `null`, which means "default", nor an empty array or object where those are valid).
    private enum FieldKind {
        case string, bool, uint32, map, repeatedString, message, repeatedMessage

        var wrongValues: [String] {
            switch self {
            case .string: [#"7"#, #"-1.5e300"#, "true", "[]", #"["a"]"#, "{}", #"{"a":"b"}"#]
            case .bool: [#""yes""#, "[]", "{}", "2.5", #""t""#, #""""#]
            case .uint32: [#""x""#, "-1", "4294967296", "1.5", "[]", "{}", "true", "1e400"]
            case .map: ["[]", #""a""#, "7", #"[["a","b"]]"#, #"{"k":7}"#, #"{"k":[]}"#, #"{"k":{"v":1}}"#]
            case .repeatedString: [#""a""#, "7", "{}", "[7]", "[[]]", "[{}]", "[true]"]
            case .message: [#""a""#, "7", "[]", "true", "[{}]"]
            case .repeatedMessage: [#""a""#, "{}", "[7]", #"["x"]"#, "[[]]"]
            }
        }
    }

    private mutating func wrongTypes() -> MalformedRequest {
        let network = self.network
        let sandbox = self.sandbox
        let fields: [(String, String, FieldKind)] = [
            ("/cnm.v1.NetworkService/CreateNetwork", #"{"name":@,"driver":"bridge"}"#, .string),
            ("/cnm.v1.NetworkService/CreateNetwork", #"{"name":"fz","internal":@}"#, .bool),
            ("/cnm.v1.NetworkService/CreateNetwork", #"{"name":"fz","labels":@}"#, .map),
            ("/cnm.v1.NetworkService/CreateNetwork", #"{"name":"fz","ipam":@}"#, .message),
            (
                "/cnm.v1.NetworkService/CreateNetwork", #"{"name":"fz","ipam":{"configs":@}}"#,
                .repeatedMessage
            ),
            ("/cnm.v1.NetworkService/DeleteNetwork", #"{"network":@}"#, .string),
            (
                "/cnm.v1.NetworkService/ConnectSandbox",
                #"{"network":"\#(network)","sandbox":"\#(sandbox)","endpointConfig":{"portBindings":[{"hostPort":@,"containerPort":80,"protocol":"tcp"}]}}"#,
                .uint32
            ),
            (
                "/cnm.v1.NetworkService/ConnectSandbox",
                #"{"network":"\#(network)","sandbox":"\#(sandbox)","endpointConfig":{"aliases":@}}"#,
                .repeatedString
            ),
            (
                "/cnm.v1.NetworkService/ConnectSandbox",
                #"{"network":"\#(network)","sandbox":"\#(sandbox)","endpointConfig":@}"#,
                .message
            ),
            ("/cnm.v1.NetworkService/DisconnectSandbox", #"{"network":"\#(network)","sandbox":@}"#, .string),
            ("/cnm.v1.SandboxService/CreateSandbox", #"{"name":@}"#, .string),
            (
                "/cnm.v1.SandboxService/CreateSandbox", #"{"name":"fz","dns":{"nameservers":@}}"#,
                .repeatedString
            ),
            ("/cnm.v1.SandboxService/DeleteSandbox", #"{"sandbox":"\#(sandbox)","force":@}"#, .bool),
            ("/cnm.v1.EndpointService/ListEndpoints", #"{"filters":@}"#, .map),
            ("/cnm.v1.EndpointService/Join", #"{"endpoint":@,"sandbox":"\#(sandbox)"}"#, .string),
        ]
        let (path, template, kind) = fields.randomElement(using: &self.random)!
        let value = kind.wrongValues.randomElement(using: &self.random)!
        return MalformedRequest(
            category: Category.wrongTypes.rawValue, path: path, headers: Self.json,
            body: Array(template.replacingOccurrences(of: "@", with: value).utf8))
    }

    private mutating func invalidUTF8() -> MalformedRequest {
        let bad: [[UInt8]] = [
            [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82],
        ]
        let sequence = bad.randomElement(using: &self.random)!
        let (path, before, after) = [
            ("/cnm.v1.NetworkService/CreateNetwork", #"{"name":"a"#, #"b"}"#),
            ("/cnm.v1.SandboxService/CreateSandbox", #"{"name":"a"#, #"b"}"#),
            (
                "/cnm.v1.NetworkService/CreateNetwork", #"{"name":"fz","ipam":{"configs":[{"subnet":"10.9"#,
                #".0.0/24"}]}}"#
            ),
            ("/cnm.v1.SandboxService/DeleteSandbox", #"{"sandbox":"\#(self.sandbox)"#, #"","force":true}"#),
            ("/cnm.v1.NetworkService/DeleteNetwork", #"{"network":"\#(self.network)"#, #""}"#),
        ].randomElement(using: &self.random)!
        return MalformedRequest(
            category: Category.invalidUTF8.rawValue, path: path, headers: Self.json,
            body: Array(before.utf8) + sequence + Array(after.utf8))
    }

    private mutating func deepNesting() -> MalformedRequest {
        let depth = [64, 101, 1000, 20000, 200_000].randomElement(using: &self.random)!
        let nested: String
        switch Int.random(in: 0..<3, using: &self.random) {
        case 0: nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        case 1:
            nested = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        default:
            nested = String(repeating: #"[{"a":"#, count: depth) + "1" + String(repeating: "}]", count: depth)
        }
        // In an unknown field (skipped, not decoded), then in a known one; `name` is wrong anyway.
        let body =
            Bool.random(using: &self.random)
            ? #"{"zz":\#(nested),"name":7}"# : #"{"name":"fz","labels":\#(nested)}"#
        return MalformedRequest(
            category: Category.deepNesting.rawValue, path: "/cnm.v1.NetworkService/CreateNetwork",
            headers: Self.json,
            body: Array(body.utf8))
    }

    private mutating func hugeJSON() -> MalformedRequest {
        let size = Int.random(in: 1_000_000...3_900_000, using: &self.random)
        let body: String
        switch Int.random(in: 0..<3, using: &self.random) {
        case 0:
            body = #"{"name":""# + String(repeating: "a", count: size) + #""}"#
        case 1:
            let count = size / 24
            let labels = (0..<count).map { #""k\#($0)":"v""# }.joined(separator: ",")
            body = #"{"name":"bad name!","labels":{\#(labels)}}"#
        default:
            let aliases = Array(repeating: #""alias""#, count: size / 8).joined(separator: ",")
            body =
                #"{"network":"no-such-network","sandbox":"\#(self.sandbox)","endpointConfig":{"aliases":[\#(aliases)]}}"#
        }
        return MalformedRequest(
            category: Category.hugeJSON.rawValue,
            path: body.contains("endpointConfig")
                ? "/cnm.v1.NetworkService/ConnectSandbox" : "/cnm.v1.NetworkService/CreateNetwork",
            headers: Self.json, body: Array(body.utf8))
    }

    private mutating func oversized(http2: Bool) -> MalformedRequest {
        let size = Int.random(in: (4 << 20) + 1...(6 << 20), using: &self.random)
        var request = MalformedRequest(
            category: Category.oversized.rawValue, path: "/cnm.v1.NetworkService/CreateNetwork",
            headers: Self.json,
            body: Array(#"{"name":""#.utf8) + [UInt8](repeating: 0x61, count: size) + Array(#""}"#.utf8))
        request.chunked = !http2 && Bool.random(using: &self.random)
        return request
    }

    private mutating func gzip() -> MalformedRequest {
        let encoding = [(name: "content-encoding", value: "gzip")]
        let body: [UInt8]
        switch Int.random(in: 0..<3, using: &self.random) {
        case 0: body = self.gzipBomb
        case 1:
            body =
                [0x1F, 0x8B, 0x08, 0x00]
                + (0..<64).map { _ in UInt8.random(in: 0...255, using: &self.random) }
        default: body = Array(#"{"name":"not gzip at all"}"#.utf8)
        }
        return MalformedRequest(
            category: Category.gzip.rawValue, path: "/cnm.v1.NetworkService/CreateNetwork",
            headers: Self.json + encoding,
            body: body)
    }

    private mutating func unknownEncoding() -> MalformedRequest {
        let name = ["br", "zstd", "deflate", "x-gzip", "gzip, br", "identity;q=0"].randomElement(
            using: &self.random)!
        return MalformedRequest(
            category: Category.unknownEncoding.rawValue, path: "/cnm.v1.NetworkService/CreateNetwork",
            headers: Self.json + [(name: "content-encoding", value: name)],
            body: Array(#"{"name":"fz"}"#.utf8),
            expectation: .unimplemented)
    }

    private mutating func contentType() -> MalformedRequest {
        let types = [
            "text/plain", "application/xml", "application/json; charset=latin1", "application/json+proto",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/connect+json", "",
            "application/grpc", "application/grpc-web+proto", String(repeating: "a/", count: 300),
            "application/json; charset=utf-16",
        ]
        var headers = [(name: String, value: String)]()
        let type = types.randomElement(using: &self.random)!
        if !type.isEmpty { headers.append((name: "content-type", value: type)) }
        return MalformedRequest(
            category: Category.contentType.rawValue, path: "/cnm.v1.NetworkService/CreateNetwork",
            headers: headers,
            body: Array(#"{"name":"fz"}"#.utf8))
    }

    private mutating func wrongMethod() -> MalformedRequest {
        let (method, path) = [
            ("PUT", "/cnm.v1.NetworkService/CreateNetwork"),
            ("DELETE", "/cnm.v1.SandboxService/DeleteSandbox"),
            ("PATCH", "/cnm.v1.NetworkService/ConnectSandbox"),
            ("GET", "/cnm.v1.NetworkService/CreateNetwork"),
            ("OPTIONS", "/cnm.v1.NetworkService/ListNetworks"), ("GET", "/cnm.v1.SystemService/WatchEvents"),
            ("GET", "/cnm.v1.NetworkService/ListNetworks"),
            ("GET", "/cnm.v1.NetworkService/ListNetworks?encoding=json&message=%7B%22filters%22%3A7%7D"),
            ("GET", "/cnm.v1.NetworkService/GetNetwork?encoding=xml&message=%7B%7D"),
            ("GET", "/cnm.v1.NetworkService/GetNetwork?encoding=json&base64=1&message=!!!"),
        ].randomElement(using: &self.random)!
        return MalformedRequest(
            category: Category.method.rawValue, method: method, path: path,
            headers: method == "GET" ? [] : Self.json,
            body: method == "GET" ? [] : Array(#"{"name":"fz"}"#.utf8))
    }

    private mutating func absurdHeaders() -> MalformedRequest {
        var headers = Self.json
        var expectation = MalformedRequest.Expectation.clientError
        switch Int.random(in: 0..<6, using: &self.random) {
        case 0:
            headers.append(
                (
                    name: "connect-timeout-ms",
                    value: ["abc", "-5", "99999999999", "1.5", "", "0x10"].randomElement(using: &self.random)!
                ))
        case 1:
            headers.append(
                (
                    name: "connect-protocol-version",
                    value: ["2", "0", "1.0", "v1", "11"].randomElement(using: &self.random)!
                ))
        case 2:
            for index in 0..<100 {
                headers.append((name: "x-junk-\(index)", value: String(repeating: "j", count: 100)))
            }
        case 3:
            headers.append((name: "x-long", value: String(repeating: "L", count: 12000)))
        case 4:
            // Over the 16 KiB header list limit.
            headers.append((name: "x-huge", value: String(repeating: "H", count: 40000)))
            expectation = .refused
        default:
            headers.append((name: "accept-encoding", value: String(repeating: "gzip,", count: 500)))
            headers.append((name: "user-agent", value: String(repeating: "\u{1F600}", count: 200)))
        }
        // The body is broken too: a header that happens to be accepted must not make a valid call.
        return MalformedRequest(
            category: Category.absurdHeaders.rawValue, path: "/cnm.v1.SandboxService/DeleteSandbox",
            headers: headers,
            body: Array(#"{"sandbox":"\#(self.sandbox)","force":"yes"}"#.utf8), expectation: expectation)
    }

    private mutating func unknownPath() -> MalformedRequest {
        let path = [
            "/", "/cnm.v1.NetworkService/", "/cnm.v1.Nope/CreateNetwork",
            "/cnm.v1.NetworkService/createnetwork",
            "/../../etc/passwd", "/cnm.v1.NetworkService/CreateNetwork/extra/..", "/%00",
            "/cnm.v2.NetworkService/CreateNetwork",
            "/" + String(repeating: "x", count: 4000), "/cnm.v1.NetworkService/Create%4Eetwork",
        ].randomElement(using: &self.random)!
        return MalformedRequest(
            category: Category.unknownPath.rawValue, path: path, headers: Self.json,
            body: Array(#"{"name":"fz"}"#.utf8))
    }

    // MARK: - Protobuf

    private mutating func malformedProto() -> MalformedRequest {
        func field(_ number: UInt8, _ text: String) -> [UInt8] {
            let bytes = Array(text.utf8)
            return [number << 3 | 2, UInt8(bytes.count)] + bytes
        }
        let templates: [(String, [UInt8])] = [
            ("/cnm.v1.NetworkService/CreateNetwork", field(1, "fuzznet") + field(2, "bridge")),
            ("/cnm.v1.NetworkService/DeleteNetwork", field(1, self.network)),
            ("/cnm.v1.NetworkService/ConnectSandbox", field(1, self.network) + field(2, self.sandbox)),
            ("/cnm.v1.SandboxService/DeleteSandbox", field(1, self.sandbox) + [2 << 3 | 0, 1]),
            ("/cnm.v1.SandboxService/CreateSandbox", field(1, "fuzzbox")),
        ]
        let (path, valid) = templates.randomElement(using: &self.random)!
        var body: [UInt8]
        switch Int.random(in: 0..<6, using: &self.random) {
        case 0:
            // Cut inside the first length-delimited field.
            body = Array(valid[0..<Int.random(in: 2..<Int(valid[1]) + 2, using: &self.random)])
        case 1:
            // An invalid first tag: field 0, or wire type 6 or 7.
            body = [[0x00, 0x07, 0x0E, 0x0F, 0x16].randomElement(using: &self.random)!] + valid
        case 2:
            // A length varint longer than 10 bytes.
            body = [0x0A] + [UInt8](repeating: 0xFF, count: 11) + [0x01]
        case 3:
            // A length beyond the end.
            body = [0x0A, 0xFF, 0x7F] + Array(valid.prefix(4))
        case 4:
            // Invalid UTF-8 in the first string field, after the valid one (the last one counts).
            body = valid + [0x0A, 4, 0xFF, 0xFE, 0xC0, 0x80]
        default:
            // Random bytes behind an invalid tag.
            body =
                [0x07]
                + (0..<Int.random(in: 1..<200, using: &self.random)).map { _ in
                    UInt8.random(in: 0...255, using: &self.random)
                }
        }
        return MalformedRequest(
            category: Category.proto.rawValue, path: path, headers: Self.proto, body: body)
    }

    private mutating func streamContentType() -> MalformedRequest {
        let type = ["application/json", "application/proto", "text/plain"].randomElement(using: &self.random)!
        return MalformedRequest(
            category: Category.streamContentType.rawValue, path: "/cnm.v1.SystemService/WatchEvents",
            headers: [(name: "content-type", value: type)], body: Array("{}".utf8))
    }

    // MARK: - Framing

    private mutating func http1Framing() -> MalformedRequest {
        let raw = [
            "GARBAGE\r\n\r\n",
            "POST /cnm.v1.NetworkService/CreateNetwork HTTP/9.9\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}",
            "POST /cnm.v1.NetworkService/CreateNetwork HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n",
            "POST /cnm.v1.NetworkService/CreateNetwork HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
            "POST /cnm.v1.NetworkService/CreateNetwork HTTP/1.1\r\nhost: x\r\ncontent-length: -5\r\n\r\n",
            "POST /cnm.v1.NetworkService/CreateNetwork HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            "POST /cnm.v1.NetworkService/CreateNetwork HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}",
            "POST\t/ HTTP/1.1\r\n\r\n",
            "\u{0}\u{1}\u{2}\r\n\r\n",
        ].randomElement(using: &self.random)!
        return MalformedRequest(
            category: Category.framing.rawValue, path: "-", transport: .http1Only, raw: Array(raw.utf8),
            expectation: .refused)
    }

    private mutating func http2Framing() -> MalformedRequest {
        // Header lists an HTTP/2 server must refuse (RFC 9113 §8.2, §8.3).
        let headers: [(name: String, value: String)] = [
            [(name: "Content-Type", value: "application/json")],
            [(name: "connection", value: "keep-alive")],
            [(name: "transfer-encoding", value: "chunked")],
            [(name: ":path", value: "/again")],
            [(name: "te", value: "gzip")],
            [(name: "content-length", value: "9999")],
            [(name: "bad header", value: "x")],
            [(name: "x-nul", value: "a\u{0}b")],
        ].randomElement(using: &self.random)!
        return MalformedRequest(
            category: Category.framing.rawValue, path: "/cnm.v1.NetworkService/CreateNetwork",
            headers: Self.json + headers,
            body: Array(#"{"name":"fz"}"#.utf8), transport: .http2Only, expectation: .refused)
    }
}
