/// A legacy link as `--link` takes it: `NAME` or `NAME:ALIAS`.
public struct LinkSpec: Sendable, Hashable {
    public var name: String
    public var alias: String?

    /// - Throws: ``CLIParseError`` for an empty name or alias, or more than one `:`.
    public init(parsing text: String) throws(CLIParseError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
            throw CLIParseError(value: text, expected: "NAME[:ALIAS]")
        }
        self.name = String(parts[0])
        self.alias = parts.count == 2 ? String(parts[1]) : nil
    }

    /// The API's form: `NAME` or `NAME:ALIAS`.
    public var apiValue: String {
        alias.map { "\(name):\($0)" } ?? name
    }
}
