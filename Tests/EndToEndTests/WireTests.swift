import CNMAPI
import CNMClient
import Foundation
import Testing

@Suite("Connect over the wire with plain curl")
struct WireTests {
    @Test("ListNetworks answers JSON to curl over HTTP/2 and over HTTP/1.1 on the same socket")
    func listNetworksWithCurl() async throws {
        try await TestDaemon.with { daemon in
            try await daemon.checkCLI("network", "create", "web")
            for version in Curl.Version.allCases {
                let response = try await Curl.call(
                    socket: daemon.socketPath, version, path: "/cnm.v1.NetworkService/ListNetworks")
                #expect(response.version == version.rawValue)
                #expect(response.status == 200, "\(response)")
                #expect(response.headers["content-type"] == "application/json")
                let list = try Cnm_V1_ListNetworksResponse(jsonString: response.body)
                #expect(
                    list.networks.map(\.name).sorted() == ["bridge", "host", "none", "web"], "\(version)")
            }
        }
    }

    /// One error situation of api.md's table.
    struct ErrorCase: Sendable, CustomStringConvertible {
        let situation: String
        let path: String
        let body: String
        let status: Int
        let code: String
        let messageContains: String
        var description: String { situation }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(
            situation: "object not found", path: "/cnm.v1.NetworkService/GetNetwork",
            body: #"{"network": "nosuch"}"#, status: 404, code: "not_found", messageContains: "nosuch"),
        ErrorCase(
            situation: "name taken", path: "/cnm.v1.NetworkService/CreateNetwork", body: #"{"name": "web"}"#,
            status: 409, code: "already_exists", messageContains: "web"),
        ErrorCase(
            situation: "bad CIDR", path: "/cnm.v1.NetworkService/CreateNetwork",
            body: #"{"name": "bad", "ipam": {"configs": [{"subnet": "10.300.0.0/16"}]}}"#, status: 400,
            code: "invalid_argument", messageContains: "10.300.0.0/16"),
        ErrorCase(
            situation: "malformed JSON", path: "/cnm.v1.NetworkService/CreateNetwork", body: #"{"name": "#,
            status: 400, code: "invalid_argument", messageContains: "CreateNetworkRequest"),
        ErrorCase(
            situation: "unknown driver", path: "/cnm.v1.NetworkService/CreateNetwork",
            body: #"{"name": "warped", "driver": "warp"}"#, status: 400, code: "invalid_argument",
            messageContains: "warp"),
        ErrorCase(
            situation: "pre-defined network removed", path: "/cnm.v1.NetworkService/DeleteNetwork",
            body: #"{"network": "bridge"}"#, status: 403, code: "permission_denied",
            messageContains: "bridge is a pre-defined network and cannot be removed"),
        ErrorCase(
            situation: "network with endpoints removed", path: "/cnm.v1.NetworkService/DeleteNetwork",
            body: #"{"network": "web"}"#, status: 400, code: "failed_precondition",
            messageContains: "has active endpoints"),
        ErrorCase(
            situation: "unknown method", path: "/cnm.v1.NetworkService/Frobnicate", body: "{}", status: 404,
            code: "unimplemented", messageContains: "/cnm.v1.NetworkService/Frobnicate"),
    ]

    @Test(
        "each error situation answers its HTTP status and a JSON Connect error with its code",
        arguments: Curl.Version.allCases)
    func errorsOverTheWire(version: Curl.Version) async throws {
        try await TestDaemon.with { daemon in
            try await daemon.checkCLI("network", "create", "web")
            let sandbox = daemon.sandbox("box")
            try await daemon.checkCLI("sandbox", "create", "--network", "web", sandbox)

            for errorCase in Self.errorCases {
                let response = try await Curl.call(
                    socket: daemon.socketPath, version, path: errorCase.path, body: errorCase.body)
                #expect(response.version == version.rawValue)
                #expect(response.status == errorCase.status, "\(errorCase): \(response)")
                #expect(response.headers["content-type"] == "application/json", "\(errorCase): \(response)")
                #expect(response.json?["code"] as? String == errorCase.code, "\(errorCase): \(response)")
                let message = response.json?["message"] as? String ?? ""
                #expect(message.contains(errorCase.messageContains), "\(errorCase): \(response)")
            }
            #expect(
                try await daemon.client.listNetworks().networks.map(\.name).sorted()
                    == ["bridge", "host", "none", "web"], "no failed call changed anything")

            let wrongType = try await Curl.call(
                socket: daemon.socketPath, version, path: "/cnm.v1.NetworkService/ListNetworks",
                contentType: "text/plain")
            #expect(wrongType.status == 415, "\(wrongType)")
            #expect(wrongType.headers["accept-post"] != nil, "\(wrongType)")

            let wrongMethod = try await Curl.call(
                socket: daemon.socketPath, version, path: "/cnm.v1.NetworkService/CreateNetwork", body: nil,
                method: "GET")
            #expect(wrongMethod.status == 405, "\(wrongMethod)")
            #expect(wrongMethod.headers["allow"]?.contains("POST") == true, "\(wrongMethod)")
        }
    }
}
