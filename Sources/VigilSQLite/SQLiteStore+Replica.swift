import Foundation
import GRDB
import VigilStorage

/// A post's copy of headquarters' watchlist. Each page is applied in one
/// transaction together with the headquarters version it brings the copy
/// to, so after a crash the post is at a version headquarters had, and a
/// page is never applied twice.
extension SQLiteStore: WatchlistReplica {
    public func upstreamState() async throws(StorageError) -> UpstreamState {
        try await read { db in try Self.upstreamState(db) }
    }

    public func applyUpstream(_ page: ReplicaPage, at date: Date,
                              afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> UpstreamState {
        let keys = self.keys
        return try await change(afterCommit: afterCommit) { db in
            let current = try Self.upstreamState(db).version
            guard current == page.after, page.through > page.after else {
                throw StorageError.upstreamOutOfSequence(expected: current, got: page.after)
            }
            var change = WatchlistChange()
            // Categories first (entries name them), then removals (a removed entry's reference may be reused).
            if let categories = page.categories {
                for category in categories {
                    _ = try Self.upsertCategory(category, at: date, db)
                }
                change.categoriesChanged = true
                // Categories the post is no longer cleared for: what it holds of them goes.
                for row in try Row.fetchAll(db, sql: """
                    SELECT \(EntryRow.columns) FROM watchlist_entry e WHERE e.category NOT IN (\(Self.placeholders(categories.count))) ORDER BY e.key
                    """, arguments: StatementArguments(categories.map(\.name))) {
                    change.merge(try Self.erase(try EntryRow.decode(row), action: .remove, at: date, db))
                }
            }
            for id in page.removed {
                guard let entry = try? Self.entry(id: id, db) else { continue }
                change.merge(try Self.erase(entry, action: .remove, at: date, db))
            }
            for entry in page.entries {
                let new = NewEntry(details: entry.details, faces: entry.faces, fingers: entry.fingers)
                if let old = try? Self.entry(id: entry.id, db) {
                    change.merge(try Self.replace(old, with: new, at: date, keys: keys, db))
                } else {
                    change.merge(try Self.insert(new, id: entry.id, at: date, keys: keys, db).1)
                }
            }
            try db.execute(sql: """
                INSERT INTO upstream_state (id, version, synced_at) VALUES (1, ?, ?)
                ON CONFLICT(id) DO UPDATE SET version = excluded.version, synced_at = excluded.synced_at
                """, arguments: [page.through, date])
            return (UpstreamState(version: page.through, syncedAt: date), change)
        }
    }

    public func markSynced(at date: Date) async throws(StorageError) {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO upstream_state (id, version, synced_at) VALUES (1, 0, ?)
                ON CONFLICT(id) DO UPDATE SET synced_at = excluded.synced_at
                """, arguments: [date])
        }
    }

    static func upstreamState(_ db: Database) throws -> UpstreamState {
        guard let row = try Row.fetchOne(db, sql: "SELECT version, synced_at FROM upstream_state WHERE id = 1") else {
            return UpstreamState(version: 0, syncedAt: nil)
        }
        return UpstreamState(version: row[0], syncedAt: row[1])
    }

    /// Headquarters' new state of an entry the post holds: details replaced,
    /// templates replaced, one `update` event naming what was erased and added.
    private static func replace(_ old: StoredEntry, with new: NewEntry, at date: Date, keys: KeyRing,
                                _ db: Database) throws -> WatchlistChange {
        try requireCategory(new.details.category, db)
        let erased = try samples(ofKeys: [old.key], db)[old.key] ?? []
        let version = try appendEvent(.update, subject: old.id.uuidString, details: nil, at: date, db)
        try db.execute(sql: "DELETE FROM face_template WHERE entry_key = ?", arguments: [old.key])
        try db.execute(sql: "DELETE FROM finger_template WHERE entry_key = ?", arguments: [old.key])
        try db.execute(sql: "UPDATE watchlist_entry SET \(EntryRow.assignments), updated_version = ? WHERE key = ?",
                       arguments: try EntryRow.arguments(new.details) + [version, old.key])
        var change = try insertTemplates(faces: new.faces, fingers: new.fingers, entryKey: old.key, version: version, keys: keys, db)
        change.removedFaces = Set(erased.filter { $0.kind == .face }.map(\.id))
        change.removedFingers = Set(erased.filter { $0.kind == .finger }.map(\.id))
        var details = EventDetails(category: new.details.category, expiresAt: new.details.expiresAt)
        details.fields = try StorageJSON.changedFields(old.details, new.details)
        details.removed = erased
        details.added = change.references
        try setEventDetails(details, version: version, db)
        return change
    }
}
