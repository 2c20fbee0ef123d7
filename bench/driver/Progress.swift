import Foundation

/// One-line progress notes on standard error, so standard output stays the result.
enum Progress {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("cnm-bench: \(message)\n".utf8))
    }
}
