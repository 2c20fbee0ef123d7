import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The daemon's local state: model objects as JSON, keyed by (kind, id), in one SQLite file,
/// `<stateDir>/cnm.db`.
///
/// - The store knows nothing of the CNM model: the controller chooses kinds ("network",
///   "endpoint", …), ids and Codable bodies.
/// - One `write` call is one SQLite transaction: a committed change survives `kill -9` (WAL with
///   `synchronous=NORMAL`, DESIGN.md "State"); a closure that throws leaves nothing written.
/// - Calls are synchronous and block on disk: the controller calls them from its own serial
///   context, off the event loops.
///
/// Built on GRDB 7 (groue/GRDB.swift) over the system's libsqlite3, which builds and runs on
/// Linux: its `DatabasePool` gives WAL mode and concurrent reads, `DatabaseMigrator` versioned
/// migrations, and it turns SQLite result codes into `DatabaseError`s with SQLite's message.
public final class StateStore: Sendable {
    /// The database file.
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating if needed) `<directory>/cnm.db`, and runs pending migrations.
    ///
    /// A missing directory is created with mode 0700 and a new database file with mode 0600
    /// (SQLite gives its -wal and -shm files the same mode).
    ///
    /// - Throws: `StoreError` (.open, .migrate) with the path and SQLite's message.
    public init(directory: String) throws(StoreError) {
        let path = (directory as NSString).appendingPathComponent("cnm.db")
        self.path = path
        try Self.prepareFiles(directory: directory, database: path)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(.open, path: path, underlying: error)
        }
        do {
            try StoreSchema.migrator.migrate(pool)
        } catch {
            throw StoreError(.migrate, path: path, underlying: error)
        }
    }

    /// Every stored object of `kind`, decoded as `T`, ordered by id.
    ///
    /// - Throws: `StoreError` (.read, or .decode naming the object).
    public func load<T: Decodable>(_ kind: String, as type: T.Type) throws(StoreError) -> [T] {
        do {
            return try pool.read { db in try Self.decodeAll(kind, as: type, in: db, path: path) }
        } catch {
            throw StoreError(.read, path: path, underlying: error)
        }
    }

    /// Runs `body` in one transaction, committing when it returns and rolling back when it
    /// throws. Errors thrown by `body` itself come out unchanged; SQLite's are `StoreError`s.
    @discardableResult
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        do {
            return try pool.write { db in try body(StoreTransaction(db: db, path: path)) }
        } catch let error as DatabaseError {
            throw StoreError(.write, path: path, underlying: error)
        }
    }

    /// The meta value `key`, if set.
    public func getMeta(_ key: String) throws(StoreError) -> String? {
        do {
            return try pool.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
            }
        } catch {
            throw StoreError(.read, path: path, underlying: error, context: "get meta \(key)")
        }
    }

    /// The identifiers of the schema migrations applied to this file, in order.
    public func appliedMigrations() throws(StoreError) -> [String] {
        do {
            return try pool.read { db in try StoreSchema.migrator.appliedMigrations(db) }
        } catch {
            throw StoreError(.read, path: path, underlying: error)
        }
    }

    /// Closes the database; later calls fail.
    public func close() throws(StoreError) {
        do {
            try pool.close()
        } catch {
            throw StoreError(.write, path: path, underlying: error, context: "close")
        }
    }

    static func decodeAll<T: Decodable>(
        _ kind: String, as type: T.Type, in db: Database, path: String
    ) throws(StoreError) -> [T] {
        let rows: [Row]
        do {
            rows = try Row.fetchAll(
                db, sql: "SELECT id, body FROM object WHERE kind = ? ORDER BY id", arguments: [kind])
        } catch {
            throw StoreError(.read, path: path, underlying: error, context: "load \(kind)")
        }
        let decoder = JSONDecoder()
        var values: [T] = []
        values.reserveCapacity(rows.count)
        for row in rows {
            let id: String = row["id"]
            let body: String = row["body"]
            do {
                values.append(try decoder.decode(type, from: Data(body.utf8)))
            } catch {
                throw StoreError(.decode, path: path, underlying: error, context: "\(kind) \(id)")
            }
        }
        return values
    }

    /// Creates the directory (0700) and an empty database file (0600) when missing, so SQLite
    /// never creates them with the process umask.
    private static func prepareFiles(directory: String, database: String) throws(StoreError) {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError(
                    .open, path: database, message: "cannot create directory \(directory): \(error)")
            }
            guard chmod(directory, 0o700) == 0 else {
                throw StoreError(
                    .open, path: database, message: "chmod \(directory): \(String(cString: strerror(errno)))")
            }
        } else if !isDirectory.boolValue {
            throw StoreError(.open, path: database, message: "\(directory) is not a directory")
        }
        let fd = open(database, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            closeDescriptor(fd)
        } else if errno != EEXIST {
            throw StoreError(
                .open, path: database, message: "create \(database): \(String(cString: strerror(errno)))")
        }
    }
}

/// `close(2)`, out of reach of `StateStore.close()`'s name.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
