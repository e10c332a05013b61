import Foundation
import PostgresNIO
import VigilStorage

/// Enrolment, loading and following the watchlist.
extension PostgresStore {
    public func enroll(_ batch: [NewEntry], at date: Date,
                       afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> [EnrolledEntry] {
        let keys = self.keys
        return try await change(afterCommit: afterCommit) { db in
            var change = WatchlistChange()
            var enrolled: [EnrolledEntry] = []
            for new in batch {
                let (entry, added) = try await Self.insert(new, at: date, keys: keys, db)
                change.merge(added)
                enrolled.append(entry)
            }
            return (enrolled, change)
        }
    }

    private static func insert(_ new: NewEntry, at date: Date, keys: KeyRing, _ db: SQLConnection) async throws -> (EnrolledEntry, WatchlistChange) {
        // Under the watchlist lock: a concurrent import of the same reference on another node
        // committed before this check ran, so it is seen here.
        if let ref = new.details.externalRef,
           let existing = try await db.value("SELECT id FROM watchlist_entry WHERE external_ref = ?", [ref], as: String.self) {
            throw StorageError.duplicateReference(ref, existing: UUID(uuidString: existing) ?? UUID())
        }
        try await requireCategory(new.details.category, db)
        let id = UUID()
        let version = try await appendEvent(.add, subject: id.uuidString, details: EventDetails(), at: date, db)
        let columns = ["id", "created_at", "created_version", "updated_version"] + PostgresEntryRow.detailColumns
        guard let key = try await db.value("""
            INSERT INTO watchlist_entry (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
            RETURNING key
            """, [id.uuidString, date, version, version] + (try PostgresEntryRow.arguments(new.details)), as: Int64.self) else {
            throw StorageError.database("entry insert returned no key")
        }
        var change = try await insertTemplates(faces: new.faces, fingers: new.fingers, entryKey: key, version: version, keys: keys, db)
        change.entryDelta = 1
        var details = EventDetails(category: new.details.category, expiresAt: new.details.expiresAt)
        details.added = change.references
        try await setEventDetails(details, version: version, db)
        let entry = StoredEntry(key: key, id: id, details: new.details, createdVersion: version, updatedVersion: version)
        return (EnrolledEntry(entry: entry, faceTemplates: change.addedFaces, fingerTemplates: change.addedFingers), change)
    }

    /// Inserts templates, sealed by this node, with their digests and the version that added them.
    static func insertTemplates(faces: [NewFaceTemplate], fingers: [NewFingerTemplate], entryKey key: Int64, version: Int64,
                                keys: KeyRing, _ db: SQLConnection) async throws -> WatchlistChange {
        var change = WatchlistChange()
        change.version = version
        let keyID = Int64(keys.currentDataKeyID)
        for face in faces {
            let blob = VectorBlob.encode(face.vector)
            let digest = TemplateDigest.hex(blob)
            guard let id = try await db.value("""
                INSERT INTO face_template (entry_key, vector, quantized, added_version, digest, source_image, key_id, model, subject_box)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [key, try TemplateSealing.seal([UInt8](blob), .faceVector, digest: digest, keys: keys),
                      try TemplateSealing.seal(face.quantized, .faceQuantized, digest: digest, keys: keys), version, digest,
                      try TemplateSealing.seal(face.sourceImage, .faceSource, digest: digest, keys: keys), keyID, face.model,
                      SubjectBoxText.text(face.subjectBox)], as: Int64.self) else {
                throw StorageError.database("template insert returned no id")
            }
            change.addedFaces.append(StoredFaceTemplate(id: id, entryKey: key, quantized: face.quantized, digest: digest, model: face.model))
        }
        for finger in fingers {
            let digest = TemplateDigest.hex(finger.record)
            guard let id = try await db.value("""
                INSERT INTO finger_template (entry_key, position, record, cylinders, added_version, digest, source_image, key_id, index_keys)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [key, finger.position, try TemplateSealing.seal(finger.record, .fingerRecord, digest: digest, keys: keys),
                      try TemplateSealing.seal(finger.cylinders, .fingerCylinders, digest: digest, keys: keys), version, digest,
                      try TemplateSealing.seal(finger.sourceImage, .fingerSource, digest: digest, keys: keys), keyID,
                      try TemplateSealing.seal(finger.indexKeys, .fingerIndexKeys, digest: digest, keys: keys)], as: Int64.self) else {
                throw StorageError.database("template insert returned no id")
            }
            change.addedFingers.append(StoredFingerTemplate(id: id, entryKey: key, position: finger.position, record: finger.record,
                                                            cylinders: finger.cylinders, indexKeys: finger.indexKeys, digest: digest))
        }
        return change
    }

    public func loadWatchlist(asOf: Int64?) async throws(StorageError) -> WatchlistContents {
        let keys = self.keys
        return try await read { db in
            let newest = try await Self.version(db)
            let version = asOf.map { min($0, newest) } ?? newest
            let entries = try await db.value("SELECT COUNT(*) FROM watchlist_entry WHERE created_version <= ?", [version], as: Int64.self) ?? 0
            return WatchlistContents(version: version, entryCount: Int(entries),
                                     faceTemplates: try await Self.faceTemplates(db, "added_version <= ?", [version], keys: keys),
                                     fingerTemplates: try await Self.fingerTemplates(db, "added_version <= ?", [version], keys: keys))
        }
    }

    public func changes(after version: Int64) async throws(StorageError) -> WatchlistChange? {
        let keys = self.keys
        return try await read { db in
            let newest = try await Self.version(db)
            guard newest > version else { return nil }
            var change = WatchlistChange(following: try await Self.events(after: version, limit: .max, entry: nil, db), from: version, to: newest)
            let range: [any SQLValue] = [version, newest]
            change.addedFaces = try await Self.faceTemplates(db, "added_version > ? AND added_version <= ?", range, keys: keys)
            change.addedFingers = try await Self.fingerTemplates(db, "added_version > ? AND added_version <= ?", range, keys: keys)
            return change
        }
    }

    /// The searchable form of the face templates `condition` selects, in id order.
    static func faceTemplates(_ db: SQLConnection, _ condition: String, _ arguments: [any SQLValue],
                              keys: KeyRing) async throws -> [StoredFaceTemplate] {
        let opener = FaceTemplateOpener(keys: keys)
        let query = SQL.query("SELECT id, entry_key, quantized, digest, key_id, model FROM face_template WHERE \(condition) ORDER BY id", arguments)
        // Streamed, and each row's bytes handed to the opener as they sit in the
        // network buffer: no Swift value per column for a million rows.
        for try await (id, entryKey, quantized, digest, keyID, model) in try await db.connection.query(query, logger: db.logger)
            .decode((Int64, Int64, ByteBuffer?, ByteBuffer, Int64?, ByteBuffer).self) {
            digest.withUnsafeReadableBytes { digest in
                model.withUnsafeReadableBytes { model in
                    let add = { (sealed: UnsafeRawBufferPointer?) in
                        opener.add(id: id, entryKey: entryKey, quantized: sealed, digest: digest, keyID: keyID, model: model)
                    }
                    if let quantized { quantized.withUnsafeReadableBytes { add($0) } } else { add(nil) }
                }
            }
        }
        return try opener.finish()
    }

    /// The finger templates `condition` selects, in id order.
    static func fingerTemplates(_ db: SQLConnection, _ condition: String, _ arguments: [any SQLValue],
                                keys: KeyRing) async throws -> [StoredFingerTemplate] {
        try await db.rows("""
            SELECT id, entry_key, position, record, cylinders, digest, key_id, index_keys FROM finger_template
            WHERE \(condition) ORDER BY id
            """, arguments).map { row in
            let digest: String = try row.get(5)
            let keyID: Int64? = try row.get(6)
            let record = try TemplateSealing.unseal(try row.get(3, as: Data?.self), .fingerRecord, digest: digest, keyID: keyID, keys: keys) ?? []
            let cylinders = try TemplateSealing.unseal(try row.get(4, as: Data?.self), .fingerCylinders, digest: digest, keyID: keyID, keys: keys)
            let indexKeys = try TemplateSealing.unseal(try row.get(7, as: Data?.self), .fingerIndexKeys, digest: digest, keyID: keyID, keys: keys)
            return StoredFingerTemplate(id: try row.get(0), entryKey: try row.get(1), position: Int(try row.get(2, as: Int64.self)),
                                        record: record, cylinders: cylinders, indexKeys: indexKeys, digest: digest)
        }
    }

    public func candidateDetails(templateIDs ids: [Int64]) async throws(StorageError) -> CandidateDetails {
        guard !ids.isEmpty else { return CandidateDetails() }
        let keys = self.keys
        return try await read { db in
            var details = CandidateDetails()
            for row in try await db.rows("""
                SELECT t.id, t.vector, \(PostgresEntryRow.columns), t.digest, t.key_id
                FROM face_template t JOIN watchlist_entry e ON e.key = t.entry_key WHERE t.id = ANY(?)
                """, [ids]) {
                let id: Int64 = try row.get(0)
                let count = PostgresEntryRow.count + 2
                guard let bytes = try TemplateSealing.unseal(try row.get(1, as: Data?.self), .faceVector, digest: try row.get(count),
                                                            keyID: try row.get(count + 1), keys: keys),
                      let vector = VectorBlob.decode(Data(bytes)) else { throw StorageError.corruptTemplate(id: id) }
                details.vectors[id] = vector
                let entry = try PostgresEntryRow.decode(row, from: 2)
                if details.entries[entry.key] == nil { details.entries[entry.key] = entry }
            }
            return details
        }
    }

    public func entries(keys: [Int64]) async throws(StorageError) -> [Int64: StoredEntry] {
        guard !keys.isEmpty else { return [:] }
        return try await read { db in
            var entries: [Int64: StoredEntry] = [:]
            for row in try await db.rows("SELECT \(PostgresEntryRow.columns) FROM watchlist_entry e WHERE e.key = ANY(?)", [keys]) {
                let entry = try PostgresEntryRow.decode(row)
                entries[entry.key] = entry
            }
            return entries
        }
    }

    static func requireCategory(_ name: String, _ db: SQLConnection) async throws {
        guard try await db.value("SELECT EXISTS (SELECT 1 FROM category WHERE name = ?)", [name], as: Bool.self) == true else {
            throw StorageError.unknownCategory(name)
        }
    }

    static func entry(id: UUID, _ db: SQLConnection) async throws -> StoredEntry {
        guard let row = try await db.one("SELECT \(PostgresEntryRow.columns) FROM watchlist_entry e WHERE e.id = ?", [id.uuidString]) else {
            throw StorageError.entryNotFound(id)
        }
        return try PostgresEntryRow.decode(row)
    }
}
