import GRDB

/// Versioned schema. Migrations are append-only: a shipped one is never edited.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: watchlist, events, screenings") { db in
            // One row per change to the watchlist; its rowid is the watchlist version.
            try db.create(table: "watchlist_event") { t in
                t.autoIncrementedPrimaryKey("version")
                t.column("action", .text).notNull()
                t.column("entry_id", .text).notNull()
                t.column("recorded_at", .datetime).notNull()
            }
            try db.create(table: "watchlist_entry") { t in
                t.autoIncrementedPrimaryKey("key")
                t.column("id", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("category", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("created_version", .integer).notNull()
                    .references("watchlist_event", column: "version")
            }
            try db.create(table: "face_template") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("entry_key", .integer).notNull().indexed()
                    .references("watchlist_entry", column: "key", onDelete: .cascade)
                t.column("vector", .blob).notNull()
            }
            try db.create(table: "screening") { t in
                t.primaryKey("id", .text)
                t.column("recorded_at", .datetime).notNull()
                t.column("watchlist_version", .integer).notNull()
                t.column("decision", .text).notNull()
                t.column("face_count", .integer).notNull()
                t.column("result", .text).notNull()   // JSON: candidates (entry ids, scores), no biometric data
            }
        }
        migrator.registerMigration("v2: quantised face templates") { db in
            // int8 codes + scale in the layout the index loads directly; NULL for
            // rows written before v2, which the service quantises on load.
            try db.alter(table: "face_template") { t in t.add(column: "quantized", .blob) }
        }
        migrator.registerMigration("v3: finger templates") { db in
            try db.create(table: "finger_template") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("entry_key", .integer).notNull().indexed()
                    .references("watchlist_entry", column: "key", onDelete: .cascade)
                t.column("position", .integer).notNull()   // ISO/IEC 19794-2 finger position code
                t.column("record", .blob).notNull()        // ISO/IEC 19794-2:2005 minutiae record
            }
        }
        migrator.registerMigration("v4: stored finger cylinders") { db in
            // The matcher's form of each finger, so start-up need not rebuild
            // it; NULL for rows from before, which start-up rebuilds.
            try db.alter(table: "finger_template") { t in t.add(column: "cylinders", .blob) }
        }
        return migrator
    }
}
