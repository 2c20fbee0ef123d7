import Foundation

/// The little CSV this benchmark reads and writes: comma-separated, a field quoted only when it
/// holds a comma or a quote. Hand-written because the driver depends on the SDK only, and its
/// files are produced by itself and by `bench/run.sh`.
enum CSV {
    /// `value` as one CSV field.
    static func field(_ value: String) -> String {
        guard value.contains(",") || value.contains("\"") else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The fields of one line.
    static func fields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\"" where quoted:
                if let next = iterator.next() {
                    if next == "\"" {
                        current.append("\"")
                    } else {
                        quoted = false
                        if next == "," {
                            fields.append(current)
                            current = ""
                        } else {
                            current.append(next)
                        }
                    }
                } else {
                    quoted = false
                }
            case "\"" where current.isEmpty:
                quoted = true
            case "," where !quoted:
                fields.append(current)
                current = ""
            default:
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }

    /// The rows of a file's text, header dropped, blank lines skipped.
    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n", omittingEmptySubsequences: true).dropFirst().map(Self.fields)
    }
}
