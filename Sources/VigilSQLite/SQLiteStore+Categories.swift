import Foundation
import GRDB
import VigilStorage

extension SQLiteStore {
    public func categories() async throws(StorageError) -> [WatchlistCategory] {
        try await read { db in try Self.categories(db) }
    }

    /// Inserts the categories that do not exist yet; existing ones keep
    /// whatever administrators set.
    public func seedCategories(_ defaults: [WatchlistCategory]) async throws(StorageError) {
        try await write { db in
            for category in defaults {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO category (name, description, protective, match_threshold, confirmations, action, target_fpir)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [category.name, category.description, category.protective, Double(category.matchThreshold),
                                     category.confirmations, category.action, category.targetFpir])
            }
        }
    }

    /// Creates or changes a category; the event records the new settings,
    /// so a replay knows the thresholds in force at any version.
    public func setCategory(_ category: WatchlistCategory, at date: Date,
                            afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> Int64 {
        try await change(afterCommit: afterCommit) { db in
            var details = EventDetails(category: category.name)
            details.settings = category
            let version = try Self.appendEvent(.category, subject: category.name, details: details, at: date, db)
            try db.execute(sql: """
                INSERT INTO category (name, description, protective, match_threshold, confirmations, action, target_fpir)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET description = excluded.description, protective = excluded.protective,
                  match_threshold = excluded.match_threshold, confirmations = excluded.confirmations, action = excluded.action,
                  target_fpir = excluded.target_fpir
                """, arguments: [category.name, category.description, category.protective, Double(category.matchThreshold),
                                 category.confirmations, category.action, category.targetFpir])
            var change = WatchlistChange()
            change.version = version
            change.categoriesChanged = true
            return (version, change)
        }
    }

    static func categories(_ db: Database) throws -> [WatchlistCategory] {
        try Row.fetchAll(db, sql: """
            SELECT name, description, protective, match_threshold, confirmations, action, target_fpir FROM category ORDER BY rowid
            """)
            .map { row in
                let threshold: Double = row[3]
                return WatchlistCategory(name: row[0], description: row[1], protective: row[2], matchThreshold: Float(threshold),
                                         targetFpir: row[6], confirmations: row[4], action: row[5])
            }
    }
}
