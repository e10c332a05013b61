import Foundation
import PostgresNIO
import VigilStorage

/// Reading entries and the watchlist's history.
extension PostgresStore {
    public func entries(matching query: EntryQuery) async throws(StorageError) -> EntryPage {
        try await read { db in
            // ILIKE: case-insensitive as SQLite's LIKE is (and beyond ASCII).
            let (filter, values) = query.filter(like: "ILIKE")
            let arguments: [any SQLValue] = values
            let total = try await db.value("SELECT COUNT(*) FROM watchlist_entry e \(filter)", arguments, as: Int64.self) ?? 0
            let entries = try await db.rows("""
                SELECT \(PostgresEntryRow.columns) FROM watchlist_entry e \(filter) ORDER BY e.key LIMIT ? OFFSET ?
                """, arguments + [query.limit, query.offset]).map { try PostgresEntryRow.decode($0) }
            let samples = try await Self.samples(ofKeys: entries.map(\.key), db)
            return EntryPage(entries: entries.map { WatchlistEntry(entry: $0, samples: samples[$0.key] ?? []) },
                             total: Int(total), version: try await Self.version(db))
        }
    }

    public func entry(id: UUID) async throws(StorageError) -> WatchlistEntry {
        try await read { db in try await Self.withSamples(try await Self.entry(id: id, db), db) }
    }

    public func entryIDs(externalRefs refs: [String]) async throws(StorageError) -> [String: UUID] {
        guard !refs.isEmpty else { return [:] }
        return try await read { db in
            var found: [String: UUID] = [:]
            for row in try await db.rows("SELECT external_ref, id FROM watchlist_entry WHERE external_ref = ANY(?)", [TextArray(values: refs)]) {
                found[try row.get(0)] = UUID(uuidString: try row.get(1))
            }
            return found
        }
    }

    public func events(from version: Int64, limit: Int, entry: UUID?) async throws(StorageError) -> [WatchlistEvent] {
        try await read { db in try await Self.events(after: version - 1, limit: limit, entry: entry, db) }
    }

    public func firstEvent(_ action: WatchlistAction, onEntries entries: [UUID], after version: Int64) async throws(StorageError) -> WatchlistEvent? {
        guard !entries.isEmpty else { return nil }
        return try await read { db in
            try await db.one("""
                SELECT version, action, entry_id, recorded_at, details FROM watchlist_event
                WHERE version > ? AND action = ? AND entry_id = ANY(?) ORDER BY version LIMIT 1
                """, [version, action.rawValue, TextArray(values: entries.map(\.uuidString))]).map(Self.event)
        }
    }

    static func events(after version: Int64, limit: Int, entry: UUID?, _ db: SQLConnection) async throws -> [WatchlistEvent] {
        var arguments: [any SQLValue] = [version]
        if let entry { arguments.append(entry.uuidString) }
        arguments.append(Int64(clamping: limit))
        return try await db.rows("""
            SELECT version, action, entry_id, recorded_at, details FROM watchlist_event
            WHERE version > ? \(entry == nil ? "" : "AND entry_id = ?") ORDER BY version LIMIT ?
            """, arguments).map(Self.event)
    }

    /// An event from `version, action, entry_id, recorded_at, details`.
    static func event(_ row: PostgresRandomAccessRow) throws -> WatchlistEvent {
        WatchlistEvent(version: try row.get(0), action: WatchlistAction(rawValue: try row.get(1)) ?? .update, subject: try row.get(2),
                       recordedAt: try row.get(3), details: try StorageJSON.value(try row.get(4, as: String?.self)))
    }

    static func withSamples(_ entry: StoredEntry, _ db: SQLConnection) async throws -> WatchlistEntry {
        WatchlistEntry(entry: entry, samples: try await samples(ofKeys: [entry.key], db)[entry.key] ?? [])
    }

    /// Template references per entry key, faces then fingers, in id order.
    static func samples(ofKeys keys: [Int64], _ db: SQLConnection) async throws -> [Int64: [TemplateReference]] {
        guard !keys.isEmpty else { return [:] }
        var result: [Int64: [TemplateReference]] = [:]
        for row in try await db.rows("""
            SELECT entry_key, 'face' AS kind, id, NULL::BIGINT AS position, digest FROM face_template WHERE entry_key = ANY(?)
            UNION ALL
            SELECT entry_key, 'finger', id, position, digest FROM finger_template WHERE entry_key = ANY(?)
            ORDER BY 1, 2, 3
            """, [keys, keys]) {
            let kind = TemplateReference.Kind(rawValue: try row.get(1)) ?? .face
            let position = try row.get(3, as: Int64?.self).map(Int.init)
            result[try row.get(0), default: []].append(TemplateReference(kind: kind, id: try row.get(2), position: position,
                                                                         digest: try row.get(4)))
        }
        return result
    }

    // MARK: Re-embedding

    public func faceTemplates(notOfModel model: String) async throws(StorageError) -> [OtherModelFace] {
        try await read { db in
            try await db.rows("""
                SELECT t.id, e.id, t.model, t.source_image IS NOT NULL, t.subject_box
                FROM face_template t JOIN watchlist_entry e ON e.key = t.entry_key WHERE t.model <> ? ORDER BY t.id
                """, [model]).map { row in
                OtherModelFace(templateID: try row.get(0), entryID: UUID(uuidString: try row.get(1)) ?? UUID(), model: try row.get(2),
                               hasPhoto: try row.get(3), subjectBox: SubjectBoxText.box(try row.get(4, as: String?.self)))
            }
        }
    }

    public func faceReferencePhoto(entry: UUID) async throws(StorageError) -> [UInt8]? {
        try await referencePhoto(sql: """
            SELECT t.source_image, t.digest, t.key_id FROM face_template t JOIN watchlist_entry e ON e.key = t.entry_key
            WHERE e.id = ? AND t.source_image IS NOT NULL ORDER BY t.id LIMIT 1
            """, arguments: [entry.uuidString])
    }

    public func fingerTemplates(entry: UUID) async throws(StorageError) -> [StoredFingerTemplate] {
        let keys = self.keys
        return try await read { db in
            try await Self.fingerTemplates(db, "entry_key = (SELECT key FROM watchlist_entry WHERE id = ?)", [entry.uuidString], keys: keys)
        }
    }

    public func fingerSourceImages(entry: UUID) async throws(StorageError) -> [Int: [UInt8]] {
        let keys = self.keys
        return try await read { db in
            var images: [Int: [UInt8]] = [:]
            for row in try await db.rows("""
                SELECT t.position, t.source_image, t.digest, t.key_id FROM finger_template t JOIN watchlist_entry e ON e.key = t.entry_key
                WHERE e.id = ? AND t.source_image IS NOT NULL ORDER BY t.id
                """, [entry.uuidString]) {
                images[Int(try row.get(0, as: Int64.self))] = try TemplateSealing.unseal(try row.get(1, as: Data?.self), .fingerSource,
                                                                                          digest: try row.get(2), keyID: try row.get(3), keys: keys)
            }
            return images
        }
    }

    public func faceReferencePhoto(templateID: Int64) async throws(StorageError) -> [UInt8]? {
        try await referencePhoto(sql: "SELECT source_image, digest, key_id FROM face_template WHERE id = ?", arguments: [templateID])
    }

    /// Opens the photo of the row `sql` selects (`source_image, digest, key_id`).
    private func referencePhoto(sql: String, arguments: [any SQLValue]) async throws(StorageError) -> [UInt8]? {
        let keys = self.keys
        return try await read { db in
            guard let row = try await db.one(sql, arguments) else { return nil }
            return try TemplateSealing.unseal(try row.get(0, as: Data?.self), .faceSource, digest: try row.get(1),
                                              keyID: try row.get(2), keys: keys)
        }
    }

    public func reembedFace(templateID: Int64, with replacement: NewFaceTemplate, at date: Date,
                            afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> Int64? {
        let keys = self.keys
        return try await change(afterCommit: afterCommit) { db -> (Int64?, WatchlistChange) in
            guard let row = try await db.one("""
                SELECT t.entry_key, t.digest, e.id FROM face_template t JOIN watchlist_entry e ON e.key = t.entry_key WHERE t.id = ?
                """, [templateID]) else { return (nil, WatchlistChange()) }
            let entryKey: Int64 = try row.get(0)
            let entry = try await Self.entry(id: UUID(uuidString: try row.get(2)) ?? UUID(), db)
            let version = try await Self.appendEvent(.reembed, subject: entry.id.uuidString, details: nil, at: date, db)
            var change = try await Self.insertTemplates(faces: [replacement], fingers: [], entryKey: entryKey, version: version, keys: keys, db)
            try await db.execute("DELETE FROM face_template WHERE id = ?", [templateID])
            change.removedFaces = [templateID]
            var details = EventDetails(category: entry.category, expiresAt: entry.details.expiresAt)
            details.added = change.references
            details.removed = [TemplateReference(kind: .face, id: templateID, position: nil, digest: try row.get(1))]
            try await Self.setEventDetails(details, version: version, db)
            return (version, change)
        }
    }
}
