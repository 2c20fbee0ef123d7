import Foundation

/// Where the tests find the API contract: `proto-json/` in the source tree, located from this
/// file's path. (Not a SwiftPM resource: SwiftPM copies a symlinked resource folder as a
/// dangling symlink, and a copy of the examples would drift from the contract.)
enum ContractFiles {
    /// An example file is absent.
    struct MissingExample: Error, CustomStringConvertible {
        /// Path relative to `proto-json/examples`.
        var path: String
        var description: String { "missing example proto-json/examples/\(path)" }
    }

    /// `proto-json` in the source tree.
    static var contractDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // CNMClientTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // clients/swift
            .deletingLastPathComponent()  // clients
            .deletingLastPathComponent()  // repository root
            .appendingPathComponent("proto-json")
    }

    /// `proto-json/examples` (`<Service>/<Method>.request.json` and `.response.json`).
    static var examplesDirectory: URL { contractDirectory.appendingPathComponent("examples") }

    /// `proto-json/cnm/v1`.
    static var protoDirectory: URL { contractDirectory.appendingPathComponent("cnm/v1") }

    /// The example of `method` ("request" or "response" `kind`), e.g.
    /// `NetworkService/CreateNetwork.request.json`.
    static func example(service: String, method: String, kind: String) throws -> Data {
        let relative = "\(service)/\(method).\(kind).json"
        guard
            let data = FileManager.default.contents(
                atPath: examplesDirectory.appendingPathComponent(relative).path)
        else { throw MissingExample(path: relative) }
        return data
    }

    /// Every example file, as paths relative to the examples folder, sorted.
    static func allExamples() throws -> [String] {
        let services = try FileManager.default.contentsOfDirectory(atPath: examplesDirectory.path)
        return try services.flatMap { service in
            try FileManager.default.contentsOfDirectory(
                atPath: examplesDirectory.appendingPathComponent(service).path
            ).map { "\(service)/\($0)" }
        }.sorted()
    }

    /// The text of every .proto file of the contract, by file name.
    static func protoSources() throws -> [String: String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: protoDirectory.path)
            .filter { $0.hasSuffix(".proto") }
        return try Dictionary(
            uniqueKeysWithValues: names.map {
                ($0, try String(contentsOf: protoDirectory.appendingPathComponent($0), encoding: .utf8))
            })
    }
}
