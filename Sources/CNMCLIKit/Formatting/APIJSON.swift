import SwiftProtobuf

/// The CLI's JSON output: API objects in their canonical proto3 JSON, as one indented array.
public enum APIJSON {
    /// `[ {...}, {...} ]` of the messages, indented; `[]` when there are none.
    public static func array(_ messages: [some SwiftProtobuf.Message]) throws -> String {
        let elements = try messages.map { try $0.jsonString() }
        return JSONPrettyPrinter.format("[" + elements.joined(separator: ",") + "]")
    }
}
