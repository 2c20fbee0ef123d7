/// A `KEY=VALUE` argument (`--label`, `-o`, `--filter`).
public struct KeyValue: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Parses `KEY=VALUE`; the value may be empty and may contain `=`, the key may not be empty.
    /// - Throws: ``CLIParseError`` naming the text.
    public init(parsing text: String) throws(CLIParseError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw CLIParseError(value: text, expected: "KEY=VALUE")
        }
        self.key = String(text[..<equals])
        self.value = String(text[text.index(after: equals)...])
    }

    /// The pairs as a dictionary; a later key replaces an earlier one.
    public static func dictionary(_ pairs: [KeyValue]) -> [String: String] {
        Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}

/// A command-line value that does not have the expected shape.
public struct CLIParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The value as given.
    public var value: String
    /// The shape it should have, e.g. `KEY=VALUE`.
    public var expected: String
    /// What in particular is wrong, if known.
    public var reason: String?

    public init(value: String, expected: String, reason: String? = nil) {
        self.value = value
        self.expected = expected
        self.reason = reason
    }

    public var description: String {
        var text = "invalid value '\(value)': expected \(expected)"
        if let reason { text += " (\(reason))" }
        return text
    }
}
