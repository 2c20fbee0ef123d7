import GRDB

/// A failure of the state store, with the database path and SQLite's (or the JSON codec's) text.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What the store was doing.
    public enum Operation: String, Sendable {
        case open
        case migrate
        case read
        case write
        case encode
        case decode
    }

    /// What the store was doing.
    public let operation: Operation
    /// The database file.
    public let path: String
    /// SQLite's message, or the codec's, with the object's kind and id where there is one.
    public let message: String
    /// SQLite's extended result code, when SQLite failed.
    public let sqliteCode: Int32?

    /// An error of `operation` on the database at `path`.
    public init(_ operation: Operation, path: String, message: String, sqliteCode: Int32? = nil) {
        self.operation = operation
        self.path = path
        self.message = message
        self.sqliteCode = sqliteCode
    }

    /// Wraps any error thrown by GRDB (a `DatabaseError` keeps SQLite's message and code).
    init(_ operation: Operation, path: String, underlying error: any Error, context: String = "") {
        let prefix = context.isEmpty ? "" : context + ": "
        if let error = error as? StoreError {
            self = error
        } else if let error = error as? DatabaseError {
            self.init(
                operation, path: path, message: prefix + (error.message ?? "\(error.resultCode)"),
                sqliteCode: error.extendedResultCode.rawValue)
        } else {
            self.init(operation, path: path, message: prefix + "\(error)")
        }
    }

    public var description: String { "state store \(path): \(operation.rawValue) failed: \(message)" }
}
