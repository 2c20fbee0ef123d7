import GRDB

/// The store's schema, as GRDB migrations: each runs once per database file, in order, and the
/// applied ones are recorded in the file (`grdb_migrations`).
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-objects-and-meta") { db in
            // One row per model object: the controller's own Codable value as JSON text, so the
            // store needs no change when the model grows a field.
            try db.execute(
                sql: """
                    CREATE TABLE object (
                        kind TEXT NOT NULL,
                        id TEXT NOT NULL,
                        body TEXT NOT NULL,
                        PRIMARY KEY (kind, id)
                    ) WITHOUT ROWID;
                    CREATE TABLE meta (
                        key TEXT NOT NULL PRIMARY KEY,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;
                    """)
        }
        return migrator
    }
}
