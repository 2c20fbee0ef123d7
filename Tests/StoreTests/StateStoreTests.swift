import Foundation
import Testing

@testable import Store

/// A model value as a controller would store it.
private struct Widget: Codable, Equatable {
    var id: String
    var name: String
    var addresses: [String]
}

/// A fresh directory under the system's temporary directory, removed by `remove()`.
private struct TemporaryDirectory {
    let path: String

    init() {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("cnm-store-\(UUID().uuidString)")
    }

    /// The state directory inside it (not created yet).
    var stateDir: String { (path as NSString).appendingPathComponent("state") }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The permission bits of `path`.
private func mode(of path: String) throws -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { throw CocoaError(.fileNoSuchFile) }
    return Int(info.st_mode) & 0o777
}

@Suite("State store")
struct StateStoreTests {
    @Test("objects written in a transaction are loaded back, per kind, ordered by id")
    func roundTrip() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore(directory: directory.stateDir)
        let b = Widget(id: "b", name: "beta", addresses: ["172.18.0.2/24"])
        let a = Widget(id: "a", name: "alpha", addresses: [])
        try store.write { tx in
            try tx.put("widget", id: b.id, b)
            try tx.put("widget", id: a.id, a)
            try tx.put("gadget", id: "g", Widget(id: "g", name: "other kind", addresses: []))
            try tx.setMeta("schema-owner", "test")
        }
        #expect(try store.load("widget", as: Widget.self) == [a, b])
        #expect(try store.load("gadget", as: Widget.self).map(\.name) == ["other kind"])
        #expect(try store.load("nothing", as: Widget.self).isEmpty)
        #expect(try store.getMeta("schema-owner") == "test")
        #expect(try store.getMeta("unset") == nil)
    }

    @Test("put replaces, delete and deleteAll remove, and a transaction sees its own changes")
    func replaceAndDelete() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore(directory: directory.stateDir)
        try store.write { tx in
            for index in 0..<5 {
                try tx.put("widget", id: "w\(index)", Widget(id: "w\(index)", name: "v1", addresses: []))
            }
            try tx.put("gadget", id: "g", Widget(id: "g", name: "kept", addresses: []))
        }
        let seen: [String] = try store.write { tx in
            try tx.put("widget", id: "w1", Widget(id: "w1", name: "v2", addresses: []))
            let deletedOne = try tx.delete(kind: "widget", id: "w0")
            let deletedMissing = try tx.delete(kind: "widget", id: "missing")
            #expect(deletedOne && !deletedMissing)
            return try tx.load("widget", as: Widget.self).map { "\($0.id)=\($0.name)" }
        }
        #expect(seen == ["w1=v2", "w2=v1", "w3=v1", "w4=v1"])
        let removed = try store.write { tx in try tx.deleteAll(kind: "widget") }
        #expect(removed == 4)
        #expect(try store.load("widget", as: Widget.self).isEmpty)
        #expect(try store.load("gadget", as: Widget.self).count == 1)
    }

    @Test("a transaction that throws half-way leaves nothing written and rethrows the error")
    func rollback() throws {
        struct Refused: Error {}
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore(directory: directory.stateDir)
        try store.write { tx in
            try tx.put("widget", id: "keep", Widget(id: "keep", name: "v1", addresses: []))
        }
        #expect(throws: Refused.self) {
            try store.write { tx in
                try tx.put("widget", id: "new", Widget(id: "new", name: "v1", addresses: []))
                try tx.put("widget", id: "keep", Widget(id: "keep", name: "v2", addresses: []))
                try tx.delete(kind: "widget", id: "keep")
                try tx.setMeta("k", "v")
                throw Refused()
            }
        }
        #expect(try store.load("widget", as: Widget.self) == [Widget(id: "keep", name: "v1", addresses: [])])
        #expect(try store.getMeta("k") == nil)
    }

    @Test("a new store on the same directory sees the committed data")
    func reopen() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        do {
            let store = try StateStore(directory: directory.stateDir)
            try store.write { tx in
                try tx.put("widget", id: "w", Widget(id: "w", name: "persisted", addresses: ["fd00::2/64"]))
                try tx.setMeta("machine", "m1")
            }
            try store.close()
        }
        let reopened = try StateStore(directory: directory.stateDir)
        #expect(try reopened.load("widget", as: Widget.self).map(\.addresses) == [["fd00::2/64"]])
        #expect(try reopened.getMeta("machine") == "m1")
    }

    @Test("migrations run once: reopening applies none again and keeps the data")
    func migrationsOnce() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let first = try StateStore(directory: directory.stateDir)
        let applied = try first.appliedMigrations()
        #expect(applied == ["v1-objects-and-meta"])
        try first.write { tx in try tx.put("widget", id: "w", Widget(id: "w", name: "x", addresses: [])) }
        try first.close()
        let second = try StateStore(directory: directory.stateDir)
        #expect(try second.appliedMigrations() == applied)
        #expect(try second.load("widget", as: Widget.self).count == 1)
    }

    @Test("the state directory is created 0700, the database 0600, in WAL mode")
    func fileModes() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore(directory: directory.stateDir)
        try store.write { tx in try tx.setMeta("k", "v") }
        #expect(store.path == directory.stateDir + "/cnm.db")
        #expect(try mode(of: directory.stateDir) == 0o700)
        #expect(try mode(of: store.path) == 0o600)
        #expect(FileManager.default.fileExists(atPath: store.path + "-wal"))
    }

    @Test("an undecodable body fails with a decode error naming the path, kind and id")
    func decodeFailure() throws {
        struct Other: Decodable { var count: Int }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try StateStore(directory: directory.stateDir)
        try store.write { tx in try tx.put("widget", id: "w7", Widget(id: "w7", name: "x", addresses: [])) }
        #expect {
            _ = try store.load("widget", as: Other.self)
        } throws: { error in
            let error = error as! StoreError
            return error.operation == .decode && error.path == store.path
                && error.message.contains("widget w7")
        }
    }

    @Test("a state directory that is a file fails to open with a typed error")
    func openFailure() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory.stateDir))
        #expect {
            _ = try StateStore(directory: directory.stateDir)
        } throws: { error in
            let error = error as! StoreError
            return error.operation == .open && error.message.contains("not a directory")
        }
    }

    @Test("SQLite's own failures surface as store errors with its message")
    func sqliteFailure() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.stateDir, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: directory.stateDir + "/cnm.db"))
        #expect {
            _ = try StateStore(directory: directory.stateDir)
        } throws: { error in
            let error = error as! StoreError
            return error.sqliteCode != nil && error.message.contains("not a database")
        }
    }
}
