/// An RPC as declared in a .proto file.
struct DeclaredRPC: Hashable, CustomStringConvertible {
    /// Fully qualified service, e.g. `cnm.v1.NetworkService`.
    var service: String
    /// Method name.
    var name: String
    /// Fully qualified request message.
    var request: String
    /// Fully qualified response message.
    var response: String
    /// `returns (stream ...)`.
    var isStreaming: Bool
    /// `option idempotency_level = NO_SIDE_EFFECTS;` in the method's body.
    var hasNoSideEffects: Bool

    var description: String {
        "\(service)/\(name)(\(request)) -> \(isStreaming ? "stream " : "")\(response)"
            + (hasNoSideEffects ? " [no side effects]" : "")
    }
}

/// Reads the services out of .proto text, just far enough to check the RPC table against it.
///
/// Hand-written rather than using protoc's descriptors so the test needs no protoc at run time;
/// it understands the subset our files use: `package`, `service NAME {`, and
/// `rpc NAME(REQ) returns ([stream] RESP);` or `... { option ...; }`.
enum ProtoServiceParser {
    /// The RPCs declared in `source`, in order.
    static func rpcs(in source: String) throws -> [DeclaredRPC] {
        let text = try withoutComments(source)
        let package = try Regex(#"package\s+([\w.]+)\s*;"#)
        guard let packageName = text.firstMatch(of: package)?.output[1].substring else { return [] }
        let qualify = { (name: Substring) -> String in
            name.contains(".") ? String(name) : "\(packageName).\(name)"
        }
        let token = try Regex(
            #"service\s+(\w+)\s*\{|rpc\s+(\w+)\s*\(\s*([\w.]+)\s*\)\s*returns\s*\(\s*(stream\s+)?([\w.]+)\s*\)\s*(;|\{([^}]*)\})"#
        )
        var service: String?
        var rpcs: [DeclaredRPC] = []
        for match in text.matches(of: token) {
            let groups = match.output
            if let serviceName = groups[1].substring {
                service = "\(packageName).\(serviceName)"
                continue
            }
            guard let service, let name = groups[2].substring, let request = groups[3].substring,
                let response = groups[5].substring
            else { continue }
            let body = groups[7].substring ?? ""
            rpcs.append(
                DeclaredRPC(
                    service: service,
                    name: String(name),
                    request: qualify(request),
                    response: qualify(response),
                    isStreaming: groups[4].substring != nil,
                    hasNoSideEffects: body.contains(try Regex(#"idempotency_level\s*=\s*NO_SIDE_EFFECTS"#))
                ))
        }
        return rpcs
    }

    /// `source` with `//` and `/* */` comments blanked out (our files have no `//` in strings).
    private static func withoutComments(_ source: String) throws -> String {
        source.replacing(try Regex(#"//[^\n]*|/\*(.|\n)*?\*/"#), with: "")
    }
}
