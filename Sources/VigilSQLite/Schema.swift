import Foundation
import GRDB
import VigilStorage

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
        migrator.registerMigration("v5: watchlist administration") { db in
            // Categories are data: each carries its own threshold, the number of
            // officers a hit needs and the action text. Seeded by the service.
            try db.create(table: "category") { t in
                t.primaryKey("name", .text)
                t.column("description", .text).notNull()
                t.column("protective", .boolean).notNull()
                t.column("match_threshold", .double).notNull()
                t.column("confirmations", .integer).notNull()
                t.column("action", .text).notNull()
            }
            try db.alter(table: "watchlist_entry") { t in
                t.add(column: "aliases", .text).notNull().defaults(to: "[]")      // JSON array
                t.add(column: "date_of_birth", .text)                             // YYYY, YYYY-MM or YYYY-MM-DD
                t.add(column: "nationality", .text)                               // ISO 3166-1 alpha-3
                t.add(column: "documents", .text).notNull().defaults(to: "[]")    // JSON array
                t.add(column: "issuing_authority", .text)
                t.add(column: "legal_basis", .text)
                t.add(column: "handling_instructions", .text)
                t.add(column: "expires_at", .datetime)
                t.add(column: "external_ref", .text)
                t.add(column: "updated_version", .integer)
            }
            try db.execute(sql: "UPDATE watchlist_entry SET updated_version = created_version")
            // Idempotent imports: a live entry's external reference is unique.
            try db.create(index: "watchlist_entry_external_ref", on: "watchlist_entry", columns: ["external_ref"],
                          unique: true, condition: Column("external_ref") != nil)
            try db.create(index: "watchlist_entry_expires_at", on: "watchlist_entry", columns: ["expires_at"])
            try db.create(index: "watchlist_entry_category", on: "watchlist_entry", columns: ["category"])
            // Each template knows the version that added it (rebuilds as of a
            // version) and its SHA-256 (kept in the event after erasure).
            for table in ["face_template", "finger_template"] {
                try db.alter(table: table) { t in
                    t.add(column: "added_version", .integer)
                    t.add(column: "digest", .text)
                    // The captured image, only where the deployment keeps them
                    // (off by default); erased with its template.
                    t.add(column: "source_image", .blob)
                }
                try db.execute(sql: """
                    UPDATE \(table) SET added_version =
                      (SELECT created_version FROM watchlist_entry e WHERE e.key = \(table).entry_key)
                    """)
                try db.create(index: "\(table)_added_version", on: table, columns: ["added_version"])
                // SHA-256 of the rows already stored (still in the clear here).
                let blob = table == "face_template" ? "vector" : "record"
                for row in try Row.fetchAll(db, sql: "SELECT id, \(blob) FROM \(table)") {
                    let bytes: Data = row[1]
                    try db.execute(sql: "UPDATE \(table) SET digest = ? WHERE id = ?", arguments: [TemplateDigest.hex(bytes), row[0] as Int64])
                }
            }
            // What changed, without personal data: category, expiry, templates
            // added or removed (ids, positions, digests), names of changed fields.
            try db.alter(table: "watchlist_event") { t in t.add(column: "details", .text) }
        }
        migrator.registerMigration("v6: audit log") { db in
            // Append-only, hash-chained: each record's hash covers its
            // canonical bytes and the previous hash (AuditChain).
            try db.create(table: "audit_record") { t in
                t.primaryKey("seq", .integer)
                t.column("recorded_at", .text).notNull()      // ISO 8601 UTC, as hashed
                t.column("actor_id", .text).notNull()
                t.column("actor_role", .text).notNull()
                t.column("post_id", .text)
                t.column("action", .text).notNull()
                t.column("subject", .text)
                t.column("watchlist_version", .integer).notNull()
                t.column("outcome", .text)                     // a screening's decision
                t.column("probe_digest", .text)                // SHA-256 of the probe template
                t.column("sealed_digest", .text)               // SHA-256 of probe_sealed: kept after erasure
                t.column("probe_sealed", .blob)                // AES-GCM; erased by retention for no-hit screenings
                t.column("context", .text).notNull()           // JSON: settings, algorithm and model versions
                t.column("result", .text).notNull()            // JSON
                t.column("prev_hash", .text).notNull()
                t.column("hash", .text).notNull()
            }
            try db.create(index: "audit_record_action", on: "audit_record", columns: ["action", "seq"])
            try db.create(table: "audit_checkpoint") { t in
                t.primaryKey("seq", .integer)
                t.column("head_hash", .text).notNull()
                t.column("signed_at", .text).notNull()
                t.column("public_key", .text).notNull()        // hex Ed25519 public key
                t.column("signature", .text).notNull()         // hex
            }
        }
        migrator.registerMigration("v7: tokens and adjudications") { db in
            // Only the SHA-256 of each secret is stored.
            try db.create(table: "api_token") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("role", .text).notNull()
                t.column("secret_hash", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("revoked_at", .datetime)
            }
            // The post (token) that submitted each screening: only it may adjudicate.
            try db.alter(table: "screening") { t in t.add(column: "post_token", .text) }
            try db.create(table: "adjudication") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("screening_id", .text).notNull().indexed().references("screening", column: "id", onDelete: .cascade)
                t.column("entry_id", .text).notNull()
                t.column("officer_id", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("post_token", .text).notNull()
                t.column("recorded_at", .datetime).notNull()
            }
        }
        migrator.registerMigration("v8: templates sealed at rest") { db in
            // The data key each row is sealed under; NULL for rows written in
            // the clear before v8, which start-up seals.
            for table in ["face_template", "finger_template"] {
                try db.alter(table: table) { t in t.add(column: "key_id", .integer) }
                // Lets every start-up find rows still in the clear without a table scan.
                try db.create(index: "\(table)_unsealed", on: table, columns: ["id"], condition: Column("key_id") == nil)
            }
        }
        migrator.registerMigration("v9: face template model") { db in
            // The recognizer that made each face template: templates of different models
            // are not comparable. Every row before v9 came from dlib's ResNet alone.
            try db.alter(table: "face_template") { t in
                t.add(column: "model", .text).notNull().defaults(to: "dlib-resnet-v1")
            }
        }
        migrator.registerMigration("v10: category target FPIR") { db in
            // Categories set how many innocent travellers per search may see a candidate;
            // the cosine thresholds stored before belong to the previous recognizer.
            try db.alter(table: "category") { t in t.add(column: "target_fpir", .double) }
            try db.execute(sql: "UPDATE category SET target_fpir = CASE name WHEN 'discreet_check' THEN 0.001 ELSE 0.01 END")
        }
        migrator.registerMigration("v11: face subject box") { db in
            // The face an administrator picked in a photo with several: a re-embedding
            // must rebuild the template from that face, not from the largest.
            try db.alter(table: "face_template") { t in t.add(column: "subject_box", .text) }
        }
        migrator.registerMigration("v12: audit request id") { db in
            // The daemon's request id, so one request can be followed from the log to the trail.
            try db.alter(table: "audit_record") { t in t.add(column: "request_id", .text) }
        }
        migrator.registerMigration("v13: upstream state") { db in
            // A post's copy of headquarters' watchlist: the headquarters version it is at,
            // written in the transaction that applies each page.
            try db.execute(sql: """
                CREATE TABLE upstream_state (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, synced_at DATETIME)
                """)
        }
        migrator.registerMigration("v14: posts' audit chains") { db in
            // Headquarters' copy of each post's audit chain, and the key each post signs it with.
            for statement in PostArchiveSchema.statements { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v15: category clearance") { db in
            // Need to know: the posts a category's entries go to (JSON list; NULL: every post).
            try db.alter(table: "category") { t in t.add(column: "posts", .text) }
        }
        migrator.registerMigration("v16: stored finger index keys") { db in
            // The keys each finger files in the fingerprint index, so start-up
            // need not hash every cylinder; NULL for rows from before, which
            // start-up hashes (as it does keys written under other hash settings).
            try db.alter(table: "finger_template") { t in t.add(column: "index_keys", .blob) }
        }
        return migrator
    }
}
