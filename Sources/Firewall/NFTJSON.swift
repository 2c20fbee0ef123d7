#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Just enough of nft's JSON output (`nft -j list table …`, libnftables-json(5)) to read set and
/// map elements back and count rules.
///
/// Hand-written against a generic JSON value rather than typed `Codable` models: nft prints an
/// element as a string, a number, `{"concat": […]}`, `{"prefix": {…}}` or `{"elem": {"val": …}}`
/// depending on the set's type and flags, which a generic walk handles in a few lines.
enum NFTJSON {
    /// One set or map element, or one part of a concatenation.
    indirect enum Value: Equatable, Sendable {
        /// An interface name, address, protocol name or `addr/len` prefix.
        case text(String)
        case number(Int)
        case concat([Value])
        /// A map element: key and data.
        case mapping(Value, Value)

        /// The parts of a concatenation (a single value is a concatenation of one).
        var parts: [Value] {
            if case .concat(let parts) = self { return parts }
            return [self]
        }

        var text: String? {
            switch self {
            case .text(let text): return text
            case .number(let number): return String(number)
            default: return nil
            }
        }
    }

    /// The elements of every set and map of a listed table by name, its chain names and the
    /// number of rules.
    struct Table: Sendable {
        var elements: [String: [Value]] = [:]
        var chains: Set<String> = []
        var ruleCount = 0
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    static func parseTable(_ output: String) throws -> Table {
        let root = try JSONDecoder().decode(JSONValue.self, from: Data(output.utf8))
        guard case .array(let objects)? = root["nftables"] else {
            throw ParseError(description: "no \"nftables\" array in nft JSON output")
        }
        var table = Table()
        for object in objects {
            if object["rule"] != nil { table.ruleCount += 1 }
            if case .string(let name)? = object["chain"]?["name"] { table.chains.insert(name) }
            guard let set = object["set"] ?? object["map"], case .string(let name)? = set["name"] else {
                continue
            }
            var values: [Value] = []
            if case .array(let elements)? = set["elem"] {
                values = try elements.map(value)
            }
            table.elements[name] = values
        }
        return table
    }

    private static func value(_ json: JSONValue) throws -> Value {
        switch json {
        case .string(let text):
            return .text(text)
        case .number(let number):
            return .number(Int(number))
        case .array(let pair) where pair.count == 2:
            return .mapping(try value(pair[0]), try value(pair[1]))
        case .object:
            if case .array(let parts)? = json["concat"] { return .concat(try parts.map(value)) }
            if let prefix = json["prefix"], case .string(let addr)? = prefix["addr"],
                case .number(let len)? = prefix["len"]
            {
                return .text("\(addr)/\(Int(len))")
            }
            if let element = json["elem"], let val = element["val"] { return try value(val) }
            throw ParseError(description: "unexpected nft JSON element \(json)")
        default:
            throw ParseError(description: "unexpected nft JSON element \(json)")
        }
    }
}

/// A generic JSON value.
private enum JSONValue: Decodable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }
}
