/// Left-aligned text columns the way `docker network ls` prints them (Go's `tabwriter` with
/// minimum width 10 and padding 3): each column but the last is as wide as its widest cell
/// plus three spaces, and at least ten characters.
///
/// Hand-written because nothing in the package graph lays out text tables.
public struct TextTable: Sendable, Equatable {
    /// Minimum width of a padded column, padding included.
    public static let minimumWidth = 10
    /// Spaces after the widest cell of a column.
    public static let padding = 3

    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The table as lines, each ending in a newline; the last column is not padded.
    public func rendered() -> String {
        let lines = [header] + rows
        let columnCount = lines.map(\.count).max() ?? 0
        var widths = [Int](repeating: Self.minimumWidth, count: columnCount)
        for line in lines {
            for (index, cell) in line.enumerated() {
                widths[index] = max(widths[index], cell.count + Self.padding)
            }
        }
        var output = ""
        for line in lines {
            for (index, cell) in line.enumerated() {
                output += cell
                if index < line.count - 1 {
                    output += String(repeating: " ", count: widths[index] - cell.count)
                }
            }
            output += "\n"
        }
        return output
    }
}
