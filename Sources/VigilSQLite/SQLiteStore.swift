import Crypto
import Foundation
import GRDB
import GRDBSQLite
import VigilStorage

/// The embedded SQLite database: WAL mode (readers never wait for the
/// writer), foreign keys on, schema migrated on open. Every change to the
/// watchlist and its event are written in one transaction; SQLite's single
/// writer orders them, so versions are the event table's rowids.
public final class SQLiteStore: VigilStore {
    private let pool: DatabasePool
    public let path: String
    let keys: KeyRing
    /// Records between automatic checkpoints of the audit chain.
    let checkpointEvery: Int

    /// The Ed25519 key that verifies this database's audit checkpoints.
    public var auditPublicKey: [UInt8] { keys.publicKey }

    public init(path: String, keys: KeyRing = .ephemeral(), checkpointEvery: Int = 100) throws(StorageError) {
        self.path = path
        self.keys = keys
        self.checkpointEvery = max(1, checkpointEvery)
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(10)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Schema.migrator.migrate(pool)
        } catch {
            throw .cannotOpen(path: path, reason: String(describing: error))
        }
    }

    /// Opens the store and seals rows a migration could not (it has no keys).
    public static func open(path: String, keys: KeyRing = .ephemeral(), checkpointEvery: Int = 100) async throws(StorageError) -> SQLiteStore {
        let store = try SQLiteStore(path: path, keys: keys, checkpointEvery: checkpointEvery)
        // Rows stored in the clear before v8 are sealed now (an index finds them).
        while try await store.reseal(batch: 1000, onlyUnsealed: true) > 0 {}
        return store
    }

    /// Writes entries, their templates and one `add` event each in one
    /// transaction. `afterCommit` runs on the single writer after the commit
    /// and before the next write starts, so in-memory state follows the
    /// database in version order and never shows an uncommitted entry.
    public func enroll(_ batch: [NewEntry], at date: Date,
                       afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> [EnrolledEntry] {
        let keys = self.keys
        return try await change(afterCommit: afterCommit) { db in
            var change = WatchlistChange()
            let enrolled = try batch.map { new in
                let (entry, added) = try Self.insert(new, id: UUID(), at: date, keys: keys, db)
                change.merge(added)
                return entry
            }
            return (enrolled, change)
        }
    }

    /// Inserts one entry under `id` (new here, or headquarters' at a post).
    static func insert(_ new: NewEntry, id: UUID, at date: Date, keys: KeyRing, _ db: Database) throws -> (EnrolledEntry, WatchlistChange) {
        if let ref = new.details.externalRef,
           let existing = try String.fetchOne(db, sql: "SELECT id FROM watchlist_entry WHERE external_ref = ?", arguments: [ref]) {
            throw StorageError.duplicateReference(ref, existing: UUID(uuidString: existing) ?? UUID())
        }
        try requireCategory(new.details.category, db)
        let version = try appendEvent(.add, subject: id.uuidString, details: EventDetails(), at: date, db)
        let columns = ["id", "created_at", "created_version", "updated_version"] + EntryRow.detailColumns
        try db.execute(sql: """
            INSERT INTO watchlist_entry (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
            """, arguments: [id.uuidString, date, version, version] + (try EntryRow.arguments(new.details)))
        let key = db.lastInsertedRowID
        var change = try insertTemplates(faces: new.faces, fingers: new.fingers, entryKey: key, version: version, keys: keys, db)
        change.entryDelta = 1
        var details = EventDetails(category: new.details.category, expiresAt: new.details.expiresAt)
        details.added = change.references
        try setEventDetails(details, version: version, db)
        let entry = StoredEntry(key: key, id: id, details: new.details, createdVersion: version, updatedVersion: version)
        return (EnrolledEntry(entry: entry, faceTemplates: change.addedFaces, fingerTemplates: change.addedFingers), change)
    }

    /// Inserts templates with their digests and the version that added them.
    static func insertTemplates(faces: [NewFaceTemplate], fingers: [NewFingerTemplate], entryKey key: Int64, version: Int64,
                                keys: KeyRing, _ db: Database) throws -> WatchlistChange {
        var change = WatchlistChange()
        change.version = version
        let keyID = Int64(keys.currentDataKeyID)
        for face in faces {
            let blob = VectorBlob.encode(face.vector)
            let digest = TemplateDigest.hex(blob)
            try db.execute(sql: """
                INSERT INTO face_template (entry_key, vector, quantized, added_version, digest, source_image, key_id, model, subject_box)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key, try TemplateSealing.seal([UInt8](blob), .faceVector, digest: digest, keys: keys),
                                 try TemplateSealing.seal(face.quantized, .faceQuantized, digest: digest, keys: keys), version, digest,
                                 try TemplateSealing.seal(face.sourceImage, .faceSource, digest: digest, keys: keys), keyID, face.model,
                                 SubjectBoxText.text(face.subjectBox)])
            change.addedFaces.append(StoredFaceTemplate(id: db.lastInsertedRowID, entryKey: key, quantized: face.quantized,
                                                        digest: digest, model: face.model))
        }
        for finger in fingers {
            let digest = TemplateDigest.hex(finger.record)
            try db.execute(sql: """
                INSERT INTO finger_template (entry_key, position, record, cylinders, added_version, digest, source_image, key_id, index_keys)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key, finger.position, try TemplateSealing.seal(finger.record, .fingerRecord, digest: digest, keys: keys),
                                 try TemplateSealing.seal(finger.cylinders, .fingerCylinders, digest: digest, keys: keys), version, digest,
                                 try TemplateSealing.seal(finger.sourceImage, .fingerSource, digest: digest, keys: keys), keyID,
                                 try TemplateSealing.seal(finger.indexKeys, .fingerIndexKeys, digest: digest, keys: keys)])
            change.addedFingers.append(StoredFingerTemplate(id: db.lastInsertedRowID, entryKey: key, position: finger.position,
                                                            record: finger.record, cylinders: finger.cylinders, indexKeys: finger.indexKeys,
                                                            digest: digest))
        }
        return change
    }

    static func appendEvent(_ action: WatchlistAction, subject: String, details: EventDetails?, at date: Date,
                            _ db: Database) throws -> Int64 {
        try db.execute(sql: "INSERT INTO watchlist_event (action, entry_id, recorded_at, details) VALUES (?, ?, ?, ?)",
                       arguments: [action.rawValue, subject, date, try details.map { try StorageJSON.text($0) }])
        return db.lastInsertedRowID
    }

    static func setEventDetails(_ details: EventDetails, version: Int64, _ db: Database) throws {
        try db.execute(sql: "UPDATE watchlist_event SET details = ? WHERE version = ?", arguments: [try StorageJSON.text(details), version])
    }

    /// Runs `body` in one write transaction, then `afterCommit` with the
    /// change on the writer, before the next write.
    /// Each event the change wrote gets its audit record in the same transaction.
    func change<T: Sendable>(afterCommit: @escaping @Sendable (WatchlistChange) -> Void,
                             _ body: @escaping @Sendable (Database) throws -> (T, WatchlistChange)) async throws(StorageError) -> T {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        do {
            return try await pool.writeWithoutTransaction { db in
                var outcome: (T, WatchlistChange)?
                let before = try Self.version(db)
                try db.inTransaction {
                    outcome = try body(db)
                    for event in try Self.events(after: before, db) {
                        let draft = AuditDraft(action: "watchlist.\(event.action.rawValue)", subject: event.subject,
                                               result: try StorageJSON.text(event))
                        _ = try Self.appendAudit(draft, actor: actor, at: event.recordedAt, keys: keys, checkpointEvery: every, db)
                    }
                    return .commit
                }
                guard let (value, written) = outcome else { throw StorageError.database("transaction produced no result") }
                var change = written
                change.baseVersion = before
                change.version = max(change.version, try Self.version(db))
                afterCommit(change)
                return value
            }
        } catch {
            throw Self.wrap(error)
        }
    }

    /// The int8 form of every face template, the version and the entry
    /// count: all that start-up needs. A cursor and no-copy blob access keep
    /// this near SQLite's own speed; entries and Float32 originals are not read.
    /// With `asOf`, the templates present at that version that have not been
    /// erased since (the watchlist as it stood, minus what removal erased).
    public func loadWatchlist(asOf: Int64?) async throws(StorageError) -> WatchlistContents {
        let keys = self.keys
        return try await read { db in
            let version = try asOf.map { min($0, try Self.version(db)) } ?? Self.version(db)
            let entryCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM watchlist_entry WHERE created_version <= ?",
                                              arguments: [version]) ?? 0
            let templates = try Self.faceTemplates(db, "added_version <= ?", [version], keys: keys)
            let fingers = try Self.fingerTemplates(db, "added_version <= ?", [version], keys: keys)
            return WatchlistContents(version: version, entryCount: entryCount, faceTemplates: templates, fingerTemplates: fingers)
        }
    }

    /// The searchable form of the face templates `condition` selects, in id order.
    static func faceTemplates(_ db: Database, _ condition: String, _ arguments: StatementArguments,
                              keys: KeyRing) throws -> [StoredFaceTemplate] {
        let opener = FaceTemplateOpener(keys: keys)
        let statement = try db.makeStatement(sql: """
            SELECT id, entry_key, quantized, digest, key_id, model FROM face_template WHERE \(condition) ORDER BY id
            """)
        try statement.setArguments(arguments)
        // Stepped by hand: the rows' bytes go to the opener without a Swift value per column.
        let step = statement.sqliteStatement
        defer { sqlite3_reset(step) }
        while true {
            let code = sqlite3_step(step)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection))) }
            let keyID = sqlite3_column_type(step, 4) == SQLITE_NULL ? nil : sqlite3_column_int64(step, 4)
            opener.add(id: sqlite3_column_int64(step, 0), entryKey: sqlite3_column_int64(step, 1),
                       quantized: sqlite3_column_type(step, 2) == SQLITE_NULL ? nil : Self.column(step, 2),
                       digest: Self.column(step, 3), keyID: keyID, model: Self.column(step, 5))
        }
        return try opener.finish()
    }

    /// A column's bytes in place, valid until the next step.
    private static func column(_ statement: SQLiteStatement, _ index: Int32) -> UnsafeRawBufferPointer {
        // sqlite3_column_blob before sqlite3_column_bytes, as SQLite documents.
        let start = sqlite3_column_blob(statement, index)
        return UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, index)))
    }

    /// The finger templates `condition` selects, in id order.
    static func fingerTemplates(_ db: Database, _ condition: String, _ arguments: StatementArguments,
                                keys: KeyRing) throws -> [StoredFingerTemplate] {
        var fingers: [StoredFingerTemplate] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, entry_key, position, record, cylinders, digest, key_id, index_keys FROM finger_template
            WHERE \(condition) ORDER BY id
            """, arguments: arguments)
        while let row = try rows.next() {
            let record = try TemplateSealing.unseal(row[3], .fingerRecord, digest: row[5], keyID: row[6], keys: keys) ?? []
            let cylinders = try TemplateSealing.unseal(row[4], .fingerCylinders, digest: row[5], keyID: row[6], keys: keys)
            let indexKeys = try TemplateSealing.unseal(row[7], .fingerIndexKeys, digest: row[5], keyID: row[6], keys: keys)
            fingers.append(StoredFingerTemplate(id: row[0], entryKey: row[1], position: row[2], record: record,
                                                cylinders: cylinders, indexKeys: indexKeys, digest: row[5]))
        }
        return fingers
    }

    /// What changed after `version`, read in one snapshot: the events'
    /// removals and entry counts, and the templates added since that are
    /// still stored (one added and erased in between is in neither).
    public func changes(after version: Int64) async throws(StorageError) -> WatchlistChange? {
        let keys = self.keys
        return try await read { db in
            let newest = try Self.version(db)
            guard newest > version else { return nil }
            var change = WatchlistChange(following: try Self.events(after: version, db), from: version, to: newest)
            change.addedFaces = try Self.faceTemplates(db, "added_version > ? AND added_version <= ?", [version, newest], keys: keys)
            change.addedFingers = try Self.fingerTemplates(db, "added_version > ? AND added_version <= ?", [version, newest], keys: keys)
            return change
        }
    }

    /// Originals and entries of the given templates, in one read. Unknown ids
    /// (e.g. removed since the caller's snapshot) are absent.
    public func candidateDetails(templateIDs ids: [Int64]) async throws(StorageError) -> CandidateDetails {
        guard !ids.isEmpty else { return CandidateDetails() }
        let keys = self.keys
        return try await read { db in
            var details = CandidateDetails()
            for chunk in Self.chunks(ids) {
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT t.id, t.vector, \(EntryRow.columns), t.digest, t.key_id
                    FROM face_template t JOIN watchlist_entry e ON e.key = t.entry_key
                    WHERE t.id IN (\(Self.placeholders(chunk.count)))
                    """, arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    let id: Int64 = row[0]
                    let count = EntryRow.detailColumns.count + 4
                    guard let bytes = try TemplateSealing.unseal(row[1], .faceVector, digest: row[2 + count], keyID: row[3 + count], keys: keys),
                          let vector = VectorBlob.decode(Data(bytes)) else { throw StorageError.corruptTemplate(id: id) }
                    details.vectors[id] = vector
                    let key: Int64 = row[2]
                    if details.entries[key] == nil { details.entries[key] = try EntryRow.decode(row, from: 2) }
                }
            }
            return details
        }
    }

    /// The entries with the given keys; unknown keys are absent.
    public func entries(keys: [Int64]) async throws(StorageError) -> [Int64: StoredEntry] {
        guard !keys.isEmpty else { return [:] }
        return try await read { db in
            var entries: [Int64: StoredEntry] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(EntryRow.columns) FROM watchlist_entry e WHERE e.key IN (\(Self.placeholders(keys.count)))
                """, arguments: StatementArguments(keys))
            while let row = try rows.next() {
                let entry = try EntryRow.decode(row)
                entries[entry.key] = entry
            }
            return entries
        }
    }

    /// The screening row and, when given, its audit record, in one transaction.
    public func record(_ screening: ScreeningRecord, audit: AuditDraft?) async throws(StorageError) {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        try await write { db in
            if let audit {
                _ = try Self.appendAudit(audit, actor: actor, at: screening.recordedAt, keys: keys, checkpointEvery: every, db)
            }
            try db.execute(sql: """
                INSERT INTO screening (id, recorded_at, watchlist_version, decision, face_count, result, post_token)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [screening.id.uuidString, screening.recordedAt, screening.watchlistVersion,
                                 screening.decision, screening.faceCount, screening.resultJSON,
                                 actor.role == "post" ? actor.id : nil])
        }
    }

    public func watchlistVersion() async throws(StorageError) -> Int64 {
        try await read { db in try Self.version(db) }
    }

    public func counts() async throws(StorageError) -> StoreCounts {
        try await read { db in
            func count(_ table: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
            return StoreCounts(entries: try count("watchlist_entry"), faceTemplates: try count("face_template"),
                               fingerTemplates: try count("finger_template"),
                               events: try count("watchlist_event"), screenings: try count("screening"))
        }
    }

    public func journalMode() async throws(StorageError) -> String {
        try await read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    public var location: String { path }

    /// One process owns the file: its own commits are all the index follows.
    public var isShared: Bool { false }

    public func waitForChange(timeout: Duration) async {
        try? await Task.sleep(for: timeout)
    }

    public func close() async {
        try? pool.close()
    }

    static func version(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM watchlist_event") ?? 0
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.write(body) } catch { throw Self.wrap(error) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.read(body) } catch { throw Self.wrap(error) }
    }

    static func wrap(_ error: any Error) -> StorageError {
        (error as? StorageError) ?? .database(String(describing: error))
    }
}
