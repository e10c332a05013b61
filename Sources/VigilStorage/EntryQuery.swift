import Foundation

/// Which entries to list, and which page.
public struct EntryQuery: Sendable, Equatable {
    public var category: String?
    /// Only entries that expire at or before this date (already expired when it is now).
    public var expiresBefore: Date?
    /// Only entries with no expiry date (true) or with one (false).
    public var withoutExpiry: Bool?
    /// Only entries whose name, an alias or external reference contains this text (case-insensitive for ASCII).
    public var text: String?
    public var limit = 50
    public var offset = 0

    public init(category: String? = nil, expiresBefore: Date? = nil, withoutExpiry: Bool? = nil, limit: Int = 50, offset: Int = 0) {
        self.category = category
        self.expiresBefore = expiresBefore
        self.withoutExpiry = withoutExpiry
        self.limit = limit
        self.offset = offset
    }
}

/// One page of entries, read in one transaction with the version it reflects.
public struct EntryPage: Sendable {
    public let entries: [WatchlistEntry]
    public let total: Int
    public let version: Int64

    // Package-wide: the storage backends are other modules.
    package init(entries: [WatchlistEntry], total: Int, version: Int64) {
        self.entries = entries
        self.total = total
        self.version = version
    }
}

extension EntryQuery {
    /// The query's conditions on `watchlist_entry e` and their `?` values,
    /// for any backend; `like` is the backend's case-insensitive LIKE.
    package func filter(like: String) -> (sql: String, arguments: [TransferValue]) {
        var conditions: [String] = []
        var arguments: [TransferValue] = []
        if let category {
            conditions.append("e.category = ?")
            arguments.append(.text(category))
        }
        if let expiresBefore {
            conditions.append("e.expires_at IS NOT NULL AND e.expires_at <= ?")
            arguments.append(.date(expiresBefore))
        }
        if let withoutExpiry {
            conditions.append(withoutExpiry ? "e.expires_at IS NULL" : "e.expires_at IS NOT NULL")
        }
        if let text {
            // LIKE's wildcards in the text match themselves.
            let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            conditions.append("(e.name \(like) ? ESCAPE '\\' OR e.aliases \(like) ? ESCAPE '\\' OR e.external_ref \(like) ? ESCAPE '\\')")
            arguments += [.text(pattern), .text(pattern), .text(pattern)]
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }
}
