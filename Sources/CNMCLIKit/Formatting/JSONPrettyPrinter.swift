/// Indents compact JSON (as swift-protobuf writes it) for people, changing nothing else.
///
/// Hand-written rather than a round trip through `JSONSerialization`, which would reorder the
/// keys, rewrite numbers and escape slashes: the CLI's JSON must stay the API's canonical JSON,
/// only laid out on lines.
public enum JSONPrettyPrinter {
    /// `json` with one member or element per line, indented by `indent` per level, and
    /// `": "` between keys and values. Empty objects and arrays stay `{}` and `[]`.
    public static func format(_ json: String, indent: String = "    ") -> String {
        var output = ""
        output.reserveCapacity(json.utf8.count * 2)
        var depth = 0
        var inString = false
        var escaped = false
        let characters = Array(json)
        var index = 0
        func newline() {
            output += "\n" + String(repeating: indent, count: depth)
        }
        while index < characters.count {
            let character = characters[index]
            defer { index += 1 }
            if inString {
                output.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
                continue
            }
            switch character {
            case "\"":
                inString = true
                output.append(character)
            case "{", "[":
                let closing: Character = character == "{" ? "}" : "]"
                if let next = characters[(index + 1)...].first(where: { !$0.isWhitespace }), next == closing {
                    output += String(character) + String(closing)
                    index = characters[(index + 1)...].firstIndex(of: closing) ?? index
                } else {
                    output.append(character)
                    depth += 1
                    newline()
                }
            case "}", "]":
                depth -= 1
                newline()
                output.append(character)
            case ",":
                output.append(character)
                newline()
            case ":":
                output += ": "
            case " ", "\n", "\t", "\r":
                continue
            default:
                output.append(character)
            }
        }
        return output
    }
}
