import CNMAPI
import Foundation
import SwiftProtobuf
import Testing

@Suite("The JSON examples in proto-json/examples")
struct ExamplesTests {
    /// `NetworkService` for `cnm.v1.NetworkService`: the examples folder of the method's service.
    private static func folder(of method: CNMMethod) -> String {
        String(method.service.split(separator: ".").last ?? "")
    }

    /// Every (method, kind, message type) that needs an example.
    private static let cases: [(CNMMethod, String, any SwiftProtobuf.Message.Type)] = CNMMethods.all.flatMap {
        [($0, "request", $0.requestType), ($0, "response", $0.responseType)]
    }

    @Test("exist for the request and the response of every method, and for nothing else")
    func everyMethodHasExamples() throws {
        let expected = Self.cases.map { "\(Self.folder(of: $0.0))/\($0.0.name).\($0.1).json" }.sorted()
        #expect(try ContractFiles.allExamples() == expected)
    }

    @Test(
        "decode into their method's message and survive a JSON round trip unchanged",
        arguments: CNMMethods.all.flatMap { [($0, "request"), ($0, "response")] })
    func decodeAndRoundTrip(method: CNMMethod, kind: String) throws {
        let type = kind == "request" ? method.requestType : method.responseType
        let data = try ContractFiles.example(
            service: Self.folder(of: method), method: method.name, kind: kind)
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = true
        let decoded = try type.init(jsonUTF8Bytes: data, extensions: nil, options: options)
        let encoded: Data = try decoded.jsonUTF8Bytes()
        let again = try type.init(jsonUTF8Bytes: encoded, extensions: nil, options: options)
        #expect(again.isEqualTo(message: decoded))
        // The example is canonical proto3 JSON: what swift-protobuf writes is the same document.
        let fileJSON = try JSONSerialization.jsonObject(with: data) as? NSDictionary
        let encodedJSON = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
        #expect(fileJSON != nil)
        #expect(fileJSON == encodedJSON, "\(String(decoding: encoded, as: UTF8.self))")
    }

    @Test("decode strictly: no example has a key the message lacks")
    func noUnknownFields() throws {
        for (method, kind, type) in Self.cases {
            let data = try ContractFiles.example(
                service: Self.folder(of: method), method: method.name, kind: kind)
            #expect(throws: Never.self, "\(method) \(kind)") {
                _ = try type.init(jsonUTF8Bytes: data, extensions: nil, options: JSONDecodingOptions())
            }
        }
    }
}
