import Foundation
import GRDB
import VigilStorage

/// Watchlist administration: every change writes its event, with the next
/// version, in the same transaction as the change itself.
extension SQLiteStore {
    /// Applies `edit` to the entry's details (inside the write transaction,
    /// so concurrent updates cannot lose each other's fields).
    public func update(id: UUID, at date: Date, _ edit: @escaping @Sendable (EntryDetails) -> EntryDetails,
                       afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> StoredEntry {
        try await change(afterCommit: afterCommit) { db in
            let old = try Self.entry(id: id, db)
            let new = edit(old.details)
            try Self.requireCategory(new.category, db)
            if let ref = new.externalRef, ref != old.details.externalRef,
               let other = try String.fetchOne(db, sql: "SELECT id FROM watchlist_entry WHERE external_ref = ?", arguments: [ref]) {
                throw StorageError.duplicateReference(ref, existing: UUID(uuidString: other) ?? UUID())
            }
            var details = EventDetails(category: new.category, expiresAt: new.expiresAt)
            details.fields = try StorageJSON.changedFields(old.details, new)
            let version = try Self.appendEvent(.update, subject: id.uuidString, details: details, at: date, db)
            try db.execute(sql: "UPDATE watchlist_entry SET \(EntryRow.assignments), updated_version = ? WHERE key = ?",
                           arguments: try EntryRow.arguments(new) + [version, old.key])
            var change = WatchlistChange()
            change.version = version
            return (StoredEntry(key: old.key, id: id, details: new, createdVersion: old.createdVersion, updatedVersion: version), change)
        }
    }

    /// Adds face and finger templates to an existing entry.
    public func addSamples(id: UUID, faces: [NewFaceTemplate], fingers: [NewFingerTemplate], at date: Date,
                           afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> WatchlistEntry {
        let keys = self.keys
        return try await change(afterCommit: afterCommit) { db in
            let entry = try Self.entry(id: id, db)
            let version = try Self.appendEvent(.addSample, subject: id.uuidString, details: nil, at: date, db)
            let change = try Self.insertTemplates(faces: faces, fingers: fingers, entryKey: entry.key, version: version, keys: keys, db)
            var details = EventDetails(category: entry.category, expiresAt: entry.details.expiresAt)
            details.added = change.references
            try Self.setEventDetails(details, version: version, db)
            try db.execute(sql: "UPDATE watchlist_entry SET updated_version = ? WHERE key = ?", arguments: [version, entry.key])
            return (try Self.withSamples(entry, db), change)
        }
    }

    /// Erases one template; the event keeps its digest.
    public func removeSample(id: UUID, sample: String, at date: Date,
                             afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> WatchlistEntry {
        try await change(afterCommit: afterCommit) { db in
            let entry = try Self.entry(id: id, db)
            guard let reference = try Self.samples(ofKeys: [entry.key], db)[entry.key]?.first(where: { $0.sampleID == sample }) else {
                throw StorageError.sampleNotFound(sample)
            }
            var details = EventDetails(category: entry.category, expiresAt: entry.details.expiresAt)
            details.removed = [reference]
            let version = try Self.appendEvent(.removeSample, subject: id.uuidString, details: details, at: date, db)
            var change = WatchlistChange()
            change.version = version
            switch reference.kind {
            case .face:
                try db.execute(sql: "DELETE FROM face_template WHERE id = ?", arguments: [reference.id])
                change.removedFaces = [reference.id]
            case .finger:
                try db.execute(sql: "DELETE FROM finger_template WHERE id = ?", arguments: [reference.id])
                change.removedFingers = [reference.id]
            }
            try db.execute(sql: "UPDATE watchlist_entry SET updated_version = ? WHERE key = ?", arguments: [version, entry.key])
            return (try Self.withSamples(entry, db), change)
        }
    }

    /// Removes an entry: its row and templates are erased; the event keeps
    /// the entry id, category and template digests.
    public func remove(id: UUID, at date: Date,
                       afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> Int64 {
        try await change(afterCommit: afterCommit) { db in
            let change = try Self.erase(try Self.entry(id: id, db), action: .remove, at: date, db)
            return (change.version, change)
        }
    }

    /// Purges every entry whose expiry date has passed, one `expire` event
    /// each, in one transaction. Returns the ids purged.
    public func purgeExpired(now: Date,
                             afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> [UUID] {
        try await change(afterCommit: afterCommit) { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(EntryRow.columns) FROM watchlist_entry e WHERE e.expires_at IS NOT NULL AND e.expires_at <= ? ORDER BY e.key
                """, arguments: [now])
            var change = WatchlistChange()
            var ids: [UUID] = []
            for row in rows {
                let entry = try EntryRow.decode(row)
                change.merge(try Self.erase(entry, action: .expire, at: now, db))
                ids.append(entry.id)
            }
            return (ids, change)
        }
    }

    static func erase(_ entry: StoredEntry, action: WatchlistAction, at date: Date, _ db: Database) throws -> WatchlistChange {
        let references = try samples(ofKeys: [entry.key], db)[entry.key] ?? []
        var details = EventDetails(category: entry.category, expiresAt: entry.details.expiresAt)
        details.removed = references
        var change = WatchlistChange()
        change.version = try appendEvent(action, subject: entry.id.uuidString, details: details, at: date, db)
        change.entryDelta = -1
        change.removedFaces = Set(references.filter { $0.kind == .face }.map(\.id))
        change.removedFingers = Set(references.filter { $0.kind == .finger }.map(\.id))
        // Templates go with the row (ON DELETE CASCADE).
        try db.execute(sql: "DELETE FROM watchlist_entry WHERE key = ?", arguments: [entry.key])
        return change
    }

    /// Deletes screening records older than `cutoff`; returns how many.
    public func deleteScreenings(recordedBefore cutoff: Date) async throws(StorageError) -> Int {
        try await write { db in
            try db.execute(sql: "DELETE FROM screening WHERE recorded_at < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    static func entry(id: UUID, _ db: Database) throws -> StoredEntry {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(EntryRow.columns) FROM watchlist_entry e WHERE e.id = ?",
                                         arguments: [id.uuidString]) else {
            throw StorageError.entryNotFound(id)
        }
        return try EntryRow.decode(row)
    }

    static func requireCategory(_ name: String, _ db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM category WHERE name = ?)", arguments: [name]) == true else {
            throw StorageError.unknownCategory(name)
        }
    }
}
