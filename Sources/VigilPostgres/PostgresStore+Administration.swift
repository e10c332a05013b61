import Foundation
import PostgresNIO
import VigilStorage

/// Watchlist administration: every change writes its event, with the next
/// version, in the same transaction as the change itself.
extension PostgresStore {
    public func update(id: UUID, at date: Date, _ edit: @escaping @Sendable (EntryDetails) -> EntryDetails,
                       afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> StoredEntry {
        try await change(afterCommit: afterCommit) { db in
            let old = try await Self.entry(id: id, db)
            let new = edit(old.details)
            try await Self.requireCategory(new.category, db)
            if let ref = new.externalRef, ref != old.details.externalRef,
               let other = try await db.value("SELECT id FROM watchlist_entry WHERE external_ref = ?", [ref], as: String.self) {
                throw StorageError.duplicateReference(ref, existing: UUID(uuidString: other) ?? UUID())
            }
            var details = EventDetails(category: new.category, expiresAt: new.expiresAt)
            details.fields = try StorageJSON.changedFields(old.details, new)
            let version = try await Self.appendEvent(.update, subject: id.uuidString, details: details, at: date, db)
            try await db.execute("UPDATE watchlist_entry SET \(PostgresEntryRow.assignments), updated_version = ? WHERE key = ?",
                                 try PostgresEntryRow.arguments(new) + [version, old.key])
            var change = WatchlistChange()
            change.version = version
            return (StoredEntry(key: old.key, id: id, details: new, createdVersion: old.createdVersion, updatedVersion: version), change)
        }
    }

    public func addSamples(id: UUID, faces: [NewFaceTemplate], fingers: [NewFingerTemplate], at date: Date,
                           afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> WatchlistEntry {
        let keys = self.keys
        return try await change(afterCommit: afterCommit) { db in
            let entry = try await Self.entry(id: id, db)
            let version = try await Self.appendEvent(.addSample, subject: id.uuidString, details: nil, at: date, db)
            let change = try await Self.insertTemplates(faces: faces, fingers: fingers, entryKey: entry.key, version: version, keys: keys, db)
            var details = EventDetails(category: entry.category, expiresAt: entry.details.expiresAt)
            details.added = change.references
            try await Self.setEventDetails(details, version: version, db)
            try await db.execute("UPDATE watchlist_entry SET updated_version = ? WHERE key = ?", [version, entry.key])
            return (try await Self.withSamples(entry, db), change)
        }
    }

    public func removeSample(id: UUID, sample: String, at date: Date,
                             afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> WatchlistEntry {
        try await change(afterCommit: afterCommit) { db in
            let entry = try await Self.entry(id: id, db)
            guard let reference = try await Self.samples(ofKeys: [entry.key], db)[entry.key]?.first(where: { $0.sampleID == sample }) else {
                throw StorageError.sampleNotFound(sample)
            }
            var details = EventDetails(category: entry.category, expiresAt: entry.details.expiresAt)
            details.removed = [reference]
            let version = try await Self.appendEvent(.removeSample, subject: id.uuidString, details: details, at: date, db)
            var change = WatchlistChange()
            change.version = version
            switch reference.kind {
            case .face:
                try await db.execute("DELETE FROM face_template WHERE id = ?", [reference.id])
                change.removedFaces = [reference.id]
            case .finger:
                try await db.execute("DELETE FROM finger_template WHERE id = ?", [reference.id])
                change.removedFingers = [reference.id]
            }
            try await db.execute("UPDATE watchlist_entry SET updated_version = ? WHERE key = ?", [version, entry.key])
            return (try await Self.withSamples(entry, db), change)
        }
    }

    public func remove(id: UUID, at date: Date, afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> Int64 {
        try await change(afterCommit: afterCommit) { db in
            let change = try await Self.erase(try await Self.entry(id: id, db), action: .remove, at: date, db)
            return (change.version, change)
        }
    }

    public func purgeExpired(now: Date, afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> [UUID] {
        try await change(afterCommit: afterCommit) { db in
            let rows = try await db.rows("""
                SELECT \(PostgresEntryRow.columns) FROM watchlist_entry e WHERE e.expires_at IS NOT NULL AND e.expires_at <= ? ORDER BY e.key
                """, [now])
            var change = WatchlistChange()
            var ids: [UUID] = []
            for row in rows {
                let entry = try PostgresEntryRow.decode(row)
                change.merge(try await Self.erase(entry, action: .expire, at: now, db))
                ids.append(entry.id)
            }
            return (ids, change)
        }
    }

    private static func erase(_ entry: StoredEntry, action: WatchlistAction, at date: Date, _ db: SQLConnection) async throws -> WatchlistChange {
        let references = try await samples(ofKeys: [entry.key], db)[entry.key] ?? []
        var details = EventDetails(category: entry.category, expiresAt: entry.details.expiresAt)
        details.removed = references
        var change = WatchlistChange()
        change.version = try await appendEvent(action, subject: entry.id.uuidString, details: details, at: date, db)
        change.entryDelta = -1
        change.removedFaces = Set(references.filter { $0.kind == .face }.map(\.id))
        change.removedFingers = Set(references.filter { $0.kind == .finger }.map(\.id))
        // Templates go with the row (ON DELETE CASCADE).
        try await db.execute("DELETE FROM watchlist_entry WHERE key = ?", [entry.key])
        return change
    }

    public func deleteScreenings(recordedBefore cutoff: Date) async throws(StorageError) -> Int {
        try await transaction { db in
            try await db.rows("DELETE FROM screening WHERE recorded_at < ? RETURNING 1", [cutoff]).count
        }
    }

    // MARK: Categories

    public func categories() async throws(StorageError) -> [WatchlistCategory] {
        try await read { db in try await Self.categories(db) }
    }

    static func categories(_ db: SQLConnection) async throws -> [WatchlistCategory] {
        try await db.rows("""
            SELECT name, description, protective, match_threshold, confirmations, action, target_fpir, posts FROM category ORDER BY ordinal
            """).map { row in
            var category = WatchlistCategory(name: try row.get(0), description: try row.get(1), protective: try row.get(2),
                                             matchThreshold: Float(try row.get(3, as: Double.self)), targetFpir: try row.get(6),
                                             confirmations: Int(try row.get(4, as: Int64.self)), action: try row.get(5))
            category.posts = try StorageJSON.value(try row.get(7, as: String?.self))
            return category
        }
    }

    private static let upsertCategory = """
        INSERT INTO category (name, description, protective, match_threshold, confirmations, action, target_fpir, posts)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """

    private static func categoryArguments(_ category: WatchlistCategory) throws -> [any SQLValue] {
        [category.name, category.description, category.protective, Double(category.matchThreshold), category.confirmations,
         category.action, category.targetFpir, try category.posts.map { try StorageJSON.text($0) }]
    }

    public func seedCategories(_ defaults: [WatchlistCategory]) async throws(StorageError) {
        try await transaction { db in
            for category in defaults {
                try await db.execute(Self.upsertCategory + " ON CONFLICT (name) DO NOTHING", try Self.categoryArguments(category))
            }
        }
    }

    public func setCategory(_ category: WatchlistCategory, at date: Date,
                            afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> Int64 {
        try await change(afterCommit: afterCommit) { db in
            var details = EventDetails(category: category.name)
            details.settings = category
            let version = try await Self.appendEvent(.category, subject: category.name, details: details, at: date, db)
            try await db.execute(Self.upsertCategory + """
                 ON CONFLICT (name) DO UPDATE SET description = excluded.description, protective = excluded.protective,
                  match_threshold = excluded.match_threshold, confirmations = excluded.confirmations, action = excluded.action,
                  target_fpir = excluded.target_fpir, posts = excluded.posts
                """, try Self.categoryArguments(category))
            var change = WatchlistChange()
            change.version = version
            change.categoriesChanged = true
            return (version, change)
        }
    }
}
