import Foundation
import GRDB
import VigilStorage

extension SQLiteStore {
    /// Face templates whose model is not `model`, oldest first.
    public func faceTemplates(notOfModel model: String) async throws(StorageError) -> [OtherModelFace] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.id, e.id, t.model, t.source_image IS NOT NULL, t.subject_box
                FROM face_template t JOIN watchlist_entry e ON e.key = t.entry_key
                WHERE t.model <> ? ORDER BY t.id
                """, arguments: [model]).map { row in
                OtherModelFace(templateID: row[0], entryID: UUID(uuidString: row[1]) ?? UUID(), model: row[2], hasPhoto: row[3],
                               subjectBox: SubjectBoxText.box(row[4]))
            }
        }
    }

    /// A live entry's first face sample's reference photo (what an officer
    /// compares a candidate with), or nil when none is held.
    public func faceReferencePhoto(entry: UUID) async throws(StorageError) -> [UInt8]? {
        try await referencePhoto(sql: """
            SELECT t.source_image, t.digest, t.key_id FROM face_template t JOIN watchlist_entry e ON e.key = t.entry_key
            WHERE e.id = ? AND t.source_image IS NOT NULL ORDER BY t.id LIMIT 1
            """, arguments: [entry.uuidString])
    }

    public func fingerTemplates(entry: UUID) async throws(StorageError) -> [StoredFingerTemplate] {
        let keys = self.keys
        return try await read { db in
            try Self.fingerTemplates(db, "entry_key = (SELECT key FROM watchlist_entry WHERE id = ?)", [entry.uuidString], keys: keys)
        }
    }

    public func fingerSourceImages(entry: UUID) async throws(StorageError) -> [Int: [UInt8]] {
        let keys = self.keys
        return try await read { db in
            var images: [Int: [UInt8]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT t.position, t.source_image, t.digest, t.key_id FROM finger_template t JOIN watchlist_entry e ON e.key = t.entry_key
                WHERE e.id = ? AND t.source_image IS NOT NULL ORDER BY t.id
                """, arguments: [entry.uuidString]) {
                images[row[0]] = try TemplateSealing.unseal(row[1], .fingerSource, digest: row[2], keyID: row[3], keys: keys)
            }
            return images
        }
    }

    /// The sealed reference photo of a face template, opened; nil when none was kept.
    public func faceReferencePhoto(templateID: Int64) async throws(StorageError) -> [UInt8]? {
        try await referencePhoto(sql: "SELECT source_image, digest, key_id FROM face_template WHERE id = ?", arguments: [templateID])
    }

    /// Opens the photo of the row `sql` selects (`source_image, digest, key_id`).
    private func referencePhoto(sql: String, arguments: StatementArguments) async throws(StorageError) -> [UInt8]? {
        let keys = self.keys
        return try await read { db in
            guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
            return try TemplateSealing.unseal(row[0], .faceSource, digest: row[1], keyID: row[2], keys: keys)
        }
    }

    /// Replaces a face template with one the running recognizer made from the
    /// same reference photo: one `reembed` event naming both (the old digest
    /// erased, the new one added), the photo moving to the new row. Returns
    /// nil when the template is gone (removed meanwhile).
    public func reembedFace(templateID: Int64, with replacement: NewFaceTemplate, at date: Date,
                            afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> Int64? {
        let keys = self.keys
        return try await change(afterCommit: afterCommit) { db -> (Int64?, WatchlistChange) in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT t.entry_key, t.digest, e.id FROM face_template t JOIN watchlist_entry e ON e.key = t.entry_key WHERE t.id = ?
                """, arguments: [templateID]) else { return (nil, WatchlistChange()) }
            let entryKey: Int64 = row[0]
            let entry = try Self.entry(id: UUID(uuidString: row[2]) ?? UUID(), db)
            let version = try Self.appendEvent(.reembed, subject: entry.id.uuidString, details: nil, at: date, db)
            var change = try Self.insertTemplates(faces: [replacement], fingers: [], entryKey: entryKey, version: version, keys: keys, db)
            try db.execute(sql: "DELETE FROM face_template WHERE id = ?", arguments: [templateID])
            change.removedFaces = [templateID]
            var details = EventDetails(category: entry.category, expiresAt: entry.details.expiresAt)
            details.added = change.references
            details.removed = [TemplateReference(kind: .face, id: templateID, position: nil, digest: row[1] ?? "")]
            try Self.setEventDetails(details, version: version, db)
            return (version, change)
        }
    }
}
