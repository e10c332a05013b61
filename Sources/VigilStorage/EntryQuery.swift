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
