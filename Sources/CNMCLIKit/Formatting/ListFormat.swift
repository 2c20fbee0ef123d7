import ArgumentParser

/// `--format` of the list commands.
public enum ListFormat: String, Sendable, CaseIterable, ExpressibleByArgument {
    /// Aligned columns with a header line.
    case table
    /// One indented JSON array of the API's objects.
    case json
}
