import Foundation
import GRDB

/// The changes of one `StateStore.write` call: all of them are committed together, or none when
/// the closure throws. Valid only inside that closure.
public struct StoreTransaction {
    private let db: Database
    private let path: String
    private let encoder: JSONEncoder

    init(db: Database, path: String) {
        self.db = db
        self.path = path
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Inserts or replaces the object `id` of `kind`, stored as JSON.
    public func put<T: Encodable>(_ kind: String, id: String, _ value: T) throws(StoreError) {
        let body: String
        do {
            body = String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw StoreError(.encode, path: path, underlying: error, context: "\(kind) \(id)")
        }
        try execute(
            "INSERT INTO object (kind, id, body) VALUES (?, ?, ?) "
                + "ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body",
            [kind, id, body], context: "put \(kind) \(id)")
    }

    /// Deletes the object `id` of `kind`; false when there was none.
    @discardableResult
    public func delete(kind: String, id: String) throws(StoreError) -> Bool {
        try execute(
            "DELETE FROM object WHERE kind = ? AND id = ?", [kind, id], context: "delete \(kind) \(id)")
        return db.changesCount > 0
    }

    /// Deletes every object of `kind`; returns how many there were.
    @discardableResult
    public func deleteAll(kind: String) throws(StoreError) -> Int {
        try execute("DELETE FROM object WHERE kind = ?", [kind], context: "delete all \(kind)")
        return db.changesCount
    }

    /// Sets the meta value `key`.
    public func setMeta(_ key: String, _ value: String) throws(StoreError) {
        try execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value], context: "set meta \(key)")
    }

    /// The meta value `key`, as this transaction sees it.
    public func getMeta(_ key: String) throws(StoreError) -> String? {
        do {
            return try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
        } catch {
            throw StoreError(.read, path: path, underlying: error, context: "get meta \(key)")
        }
    }

    /// Every object of `kind`, as this transaction sees it, ordered by id.
    public func load<T: Decodable>(_ kind: String, as type: T.Type) throws(StoreError) -> [T] {
        try StateStore.decodeAll(kind, as: type, in: db, path: path)
    }

    private func execute(_ sql: String, _ arguments: StatementArguments, context: String) throws(StoreError) {
        do {
            try db.cachedStatement(sql: sql).execute(arguments: arguments)
        } catch {
            throw StoreError(.write, path: path, underlying: error, context: context)
        }
    }
}
