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

    /// Writes the entry, its templates and its event in one transaction.
    /// `afterCommit` runs on the single writer after the commit and before the
    /// next write starts, so in-memory state follows the database in version
    /// order and never shows an uncommitted entry.
    public func enroll(_ new: NewEntry, at date: Date = Date(),
                       afterCommit: @escaping @Sendable (EnrolledEntry) -> Void = { _ in }) async throws(StorageError) -> EnrolledEntry {
        do {
            return try await pool.writeWithoutTransaction { db in
                var enrolled: EnrolledEntry?
                try db.inTransaction {
                    enrolled = try Self.insert(new, at: date, db)
                    return .commit
                }
                guard let enrolled else { throw StorageError.database("enrolment transaction produced no entry") }
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
        for vector in new.faceVectors {
            try db.execute(sql: "INSERT INTO face_template (entry_key, vector) VALUES (?, ?)",
                           arguments: [key, VectorBlob.encode(vector)])
            templates.append(StoredFaceTemplate(id: db.lastInsertedRowID, entryKey: key, vector: vector))
        }
        let entry = StoredEntry(key: key, id: id, name: new.name, category: new.category,
                                createdAt: date, createdVersion: version)
        return EnrolledEntry(entry: entry, faceTemplates: templates)
    }

    public func loadWatchlist() async throws(StorageError) -> WatchlistContents {
        try await read { db in
            let version = try Self.version(db)
            let entries = try Row.fetchAll(db, sql: """
                SELECT key, id, name, category, created_at, created_version FROM watchlist_entry ORDER BY key
                """).map { row in
                StoredEntry(key: row["key"], id: UUID(uuidString: row["id"]) ?? UUID(), name: row["name"],
                            category: row["category"], createdAt: row["created_at"], createdVersion: row["created_version"])
            }
            var templates: [StoredFaceTemplate] = []
            for row in try Row.fetchAll(db, sql: "SELECT id, entry_key, vector FROM face_template ORDER BY id") {
                let id: Int64 = row["id"]
                guard let vector = VectorBlob.decode(row["vector"]) else { throw StorageError.corruptTemplate(id: id) }
                templates.append(StoredFaceTemplate(id: id, entryKey: row["entry_key"], vector: vector))
            }
            return WatchlistContents(version: version, entries: entries, faceTemplates: templates)
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
