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
                    INSERT OR IGNORE INTO category (name, description, protective, match_threshold, confirmations, action, target_fpir, posts)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: try Self.categoryArguments(category))
            }
        }
    }

    /// Creates or changes a category; the event records the new settings,
    /// so a replay knows the thresholds in force at any version.
    public func setCategory(_ category: WatchlistCategory, at date: Date,
                            afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> Int64 {
        try await change(afterCommit: afterCommit) { db in
            let version = try Self.upsertCategory(category, at: date, db)
            var change = WatchlistChange()
            change.version = version
            change.categoriesChanged = true
            return (version, change)
        }
    }

    /// Writes the category and its `category` event; returns the event's version.
    static func upsertCategory(_ category: WatchlistCategory, at date: Date, _ db: Database) throws -> Int64 {
        var details = EventDetails(category: category.name)
        details.settings = category
        let version = try appendEvent(.category, subject: category.name, details: details, at: date, db)
        try db.execute(sql: """
            INSERT INTO category (name, description, protective, match_threshold, confirmations, action, target_fpir, posts)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET description = excluded.description, protective = excluded.protective,
              match_threshold = excluded.match_threshold, confirmations = excluded.confirmations, action = excluded.action,
              target_fpir = excluded.target_fpir, posts = excluded.posts
            """, arguments: try categoryArguments(category))
        return version
    }

    private static func categoryArguments(_ category: WatchlistCategory) throws -> StatementArguments {
        [category.name, category.description, category.protective, Double(category.matchThreshold),
         category.confirmations, category.action, category.targetFpir, try category.posts.map { try StorageJSON.text($0) }]
    }

    static func categories(_ db: Database) throws -> [WatchlistCategory] {
        try Row.fetchAll(db, sql: """
            SELECT name, description, protective, match_threshold, confirmations, action, target_fpir, posts FROM category ORDER BY rowid
            """)
            .map { row in
                let threshold: Double = row[3]
                var category = WatchlistCategory(name: row[0], description: row[1], protective: row[2], matchThreshold: Float(threshold),
                                                 targetFpir: row[6], confirmations: row[4], action: row[5])
                category.posts = try StorageJSON.value(row[7])
                return category
            }
    }
}
