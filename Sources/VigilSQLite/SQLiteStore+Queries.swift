import Foundation
import GRDB
import VigilStorage

extension SQLiteStore {
    public func entries(matching query: EntryQuery) async throws(StorageError) -> EntryPage {
        try await read { db in
            // SQLite's LIKE is case-insensitive for ASCII.
            let (filter, values) = query.filter(like: "LIKE")
            let arguments = StatementArguments(values.map(\.databaseValue))
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM watchlist_entry e \(filter)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(EntryRow.columns) FROM watchlist_entry e \(filter) ORDER BY e.key LIMIT ? OFFSET ?
                """, arguments: arguments + [query.limit, query.offset])
            let entries = try rows.map { try EntryRow.decode($0) }
            let samples = try Self.samples(ofKeys: entries.map(\.key), db)
            return EntryPage(entries: entries.map { WatchlistEntry(entry: $0, samples: samples[$0.key] ?? []) },
                             total: total, version: try Self.version(db))
        }
    }

    public func entry(id: UUID) async throws(StorageError) -> WatchlistEntry {
        try await read { db in try Self.withSamples(try Self.entry(id: id, db), db) }
    }

    /// Live entries carrying these external references, by reference.
    public func entryIDs(externalRefs refs: [String]) async throws(StorageError) -> [String: UUID] {
        guard !refs.isEmpty else { return [:] }
        return try await read { db in
            var found: [String: UUID] = [:]
            for chunk in Self.chunks(refs) {
                for row in try Row.fetchAll(db, sql: "SELECT external_ref, id FROM watchlist_entry WHERE external_ref IN (\(Self.placeholders(chunk.count)))",
                                            arguments: StatementArguments(chunk)) {
                    found[row[0]] = UUID(uuidString: row[1])
                }
            }
            return found
        }
    }

    /// The watchlist's history from `version` on (inclusive), oldest first;
    /// one entry's alone when `entry` is given.
    public func events(from version: Int64, limit: Int, entry: UUID?) async throws(StorageError) -> [WatchlistEvent] {
        try await read { db in try Self.events(after: version - 1, limit: limit, entry: entry, db) }
    }

    /// The first `action` event on any of `entries` after `version`, if any
    /// (a replay explaining why a candidate's templates are not as they were).
    public func firstEvent(_ action: WatchlistAction, onEntries entries: [UUID], after version: Int64) async throws(StorageError) -> WatchlistEvent? {
        guard !entries.isEmpty else { return nil }
        return try await read { db in
            return try Row.fetchOne(db, sql: """
                SELECT version, action, entry_id, recorded_at, details FROM watchlist_event
                WHERE version > ? AND action = ? AND entry_id IN (\(Self.placeholders(entries.count))) ORDER BY version LIMIT 1
                """, arguments: StatementArguments([version, action.rawValue] as [any DatabaseValueConvertible] + entries.map(\.uuidString))).map(Self.event)
        }
    }

    static func events(after version: Int64, limit: Int = .max, entry: UUID? = nil, _ db: Database) throws -> [WatchlistEvent] {
        var arguments: StatementArguments = [version]
        if let entry { arguments += [entry.uuidString] }
        arguments += [limit]
        return try Row.fetchAll(db, sql: """
            SELECT version, action, entry_id, recorded_at, details FROM watchlist_event
            WHERE version > ? \(entry == nil ? "" : "AND entry_id = ?") ORDER BY version LIMIT ?
            """, arguments: arguments).map(Self.event)
    }

    /// An event from `version, action, entry_id, recorded_at, details`.
    static func event(_ row: Row) throws -> WatchlistEvent {
        WatchlistEvent(version: row[0], action: WatchlistAction(rawValue: row[1]) ?? .update, subject: row[2],
                       recordedAt: row[3], details: try StorageJSON.value(row[4]))
    }

    static func withSamples(_ entry: StoredEntry, _ db: Database) throws -> WatchlistEntry {
        WatchlistEntry(entry: entry, samples: try samples(ofKeys: [entry.key], db)[entry.key] ?? [])
    }

    /// Template references per entry key, faces then fingers, in id order.
    static func samples(ofKeys keys: [Int64], _ db: Database) throws -> [Int64: [TemplateReference]] {
        guard !keys.isEmpty else { return [:] }
        var result: [Int64: [TemplateReference]] = [:]
        let placeholders = Self.placeholders(keys.count)
        let rows = try Row.fetchAll(db, sql: """
            SELECT entry_key, 'face', id, NULL, digest FROM face_template WHERE entry_key IN (\(placeholders))
            UNION ALL
            SELECT entry_key, 'finger', id, position, digest FROM finger_template WHERE entry_key IN (\(placeholders))
            ORDER BY 1, 2, 3
            """, arguments: StatementArguments(keys + keys))
        for row in rows {
            let kind = TemplateReference.Kind(rawValue: row[1]) ?? .face
            let digest: String? = row[4]
            result[row[0], default: []].append(TemplateReference(kind: kind, id: row[2], position: row[3], digest: digest ?? ""))
        }
        return result
    }
}
