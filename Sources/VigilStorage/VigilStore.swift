import Foundation
import GRDB

/// The embedded SQLite database: WAL mode (readers never wait for the
/// writer), foreign keys on, schema migrated on open. Every change to the
/// watchlist and its event are written in one transaction.
public final class VigilStore: Sendable {
    private let pool: DatabasePool
    public let path: String

    public init(path: String) throws(StorageError) {
        self.path = path
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

    /// Writes entries, their templates and one event each in one transaction.
    /// `afterCommit` runs on the single writer after the commit and before the
    /// next write starts, so in-memory state follows the database in version
    /// order and never shows an uncommitted entry.
    public func enroll(_ batch: [NewEntry], at date: Date = Date(),
                       afterCommit: @escaping @Sendable ([EnrolledEntry]) -> Void = { _ in }) async throws(StorageError) -> [EnrolledEntry] {
        do {
            return try await pool.writeWithoutTransaction { db in
                var enrolled: [EnrolledEntry] = []
                try db.inTransaction {
                    enrolled = try batch.map { try Self.insert($0, at: date, db) }
                    return .commit
                }
                afterCommit(enrolled)
                return enrolled
            }
        } catch {
            throw Self.wrap(error)
        }
    }

    private static func insert(_ new: NewEntry, at date: Date, _ db: Database) throws -> EnrolledEntry {
        let id = UUID()
        try db.execute(sql: "INSERT INTO watchlist_event (action, entry_id, recorded_at) VALUES ('add', ?, ?)",
                       arguments: [id.uuidString, date])
        let version = db.lastInsertedRowID
        try db.execute(sql: """
            INSERT INTO watchlist_entry (id, name, category, created_at, created_version) VALUES (?, ?, ?, ?, ?)
            """, arguments: [id.uuidString, new.name, new.category, date, version])
        let key = db.lastInsertedRowID
        var templates: [StoredFaceTemplate] = []
        for face in new.faces {
            try db.execute(sql: "INSERT INTO face_template (entry_key, vector, quantized) VALUES (?, ?, ?)",
                           arguments: [key, VectorBlob.encode(face.vector), Data(face.quantized)])
            templates.append(StoredFaceTemplate(id: db.lastInsertedRowID, entryKey: key, quantized: face.quantized))
        }
        var fingers: [StoredFingerTemplate] = []
        for finger in new.fingers {
            try db.execute(sql: "INSERT INTO finger_template (entry_key, position, record, cylinders) VALUES (?, ?, ?, ?)",
                           arguments: [key, finger.position, Data(finger.record), Data(finger.cylinders)])
            fingers.append(StoredFingerTemplate(id: db.lastInsertedRowID, entryKey: key, position: finger.position,
                                                record: finger.record, cylinders: finger.cylinders))
        }
        let entry = StoredEntry(key: key, id: id, name: new.name, category: new.category, createdVersion: version)
        return EnrolledEntry(entry: entry, faceTemplates: templates, fingerTemplates: fingers)
    }

    /// The int8 form of every face template, the version and the entry
    /// count: all that start-up needs. A cursor and no-copy blob access keep
    /// this near SQLite's own speed; entries and Float32 originals are not read.
    public func loadWatchlist() async throws(StorageError) -> WatchlistContents {
        try await read { db in
            let version = try Self.version(db)
            let entryCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM watchlist_entry") ?? 0
            var templates: [StoredFaceTemplate] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT id, entry_key, quantized FROM face_template ORDER BY id")
            while let row = try cursor.next() {
                let quantized = try row.withUnsafeData(atIndex: 2) { $0.map { [UInt8]($0) } }
                templates.append(StoredFaceTemplate(id: row[0], entryKey: row[1], quantized: quantized))
            }
            var fingers: [StoredFingerTemplate] = []
            let fingerRows = try Row.fetchCursor(db, sql: "SELECT id, entry_key, position, record, cylinders FROM finger_template ORDER BY id")
            while let row = try fingerRows.next() {
                let cylinders = try row.withUnsafeData(atIndex: 4) { $0.map { [UInt8]($0) } }
                fingers.append(StoredFingerTemplate(id: row[0], entryKey: row[1], position: row[2], record: [UInt8](row[3] as Data),
                                                    cylinders: cylinders))
            }
            return WatchlistContents(version: version, entryCount: entryCount, faceTemplates: templates, fingerTemplates: fingers)
        }
    }

    /// Originals and entries of the given templates, in one read. Unknown ids
    /// (e.g. removed since the caller's snapshot) are absent.
    public func candidateDetails(templateIDs ids: [Int64]) async throws(StorageError) -> CandidateDetails {
        guard !ids.isEmpty else { return CandidateDetails() }
        return try await read { db in
            var details = CandidateDetails()
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT t.id, t.vector, e.key, e.id, e.name, e.category, e.created_version
                    FROM face_template t JOIN watchlist_entry e ON e.key = t.entry_key
                    WHERE t.id IN (\(placeholders))
                    """, arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    let id: Int64 = row[0]
                    guard let vector = VectorBlob.decode(row[1]) else { throw StorageError.corruptTemplate(id: id) }
                    details.vectors[id] = vector
                    let key: Int64 = row[2]
                    if details.entries[key] == nil {
                        details.entries[key] = StoredEntry(key: key, id: UUID(uuidString: row[3]) ?? UUID(), name: row[4],
                                                           category: row[5], createdVersion: row[6])
                    }
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
            let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ",")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT key, id, name, category, created_version FROM watchlist_entry WHERE key IN (\(placeholders))
                """, arguments: StatementArguments(keys))
            while let row = try rows.next() {
                let key: Int64 = row[0]
                entries[key] = StoredEntry(key: key, id: UUID(uuidString: row[1]) ?? UUID(), name: row[2], category: row[3],
                                           createdVersion: row[4])
            }
            return entries
        }
    }

    public func record(_ screening: ScreeningRecord) async throws(StorageError) {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO screening (id, recorded_at, watchlist_version, decision, face_count, result)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [screening.id.uuidString, screening.recordedAt, screening.watchlistVersion,
                                 screening.decision, screening.faceCount, screening.resultJSON])
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

    private static func version(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM watchlist_event") ?? 0
    }

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.write(body) } catch { throw Self.wrap(error) }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await pool.read(body) } catch { throw Self.wrap(error) }
    }

    private static func wrap(_ error: any Error) -> StorageError {
        (error as? StorageError) ?? .database(String(describing: error))
    }
}
