import Foundation
import PostgresNIO
import VigilStorage

/// The `watchlist_entry` row in PostgreSQL: one column list, one decoder.
enum PostgresEntryRow {
    static let columns = StorageColumns.entry
    static let count = StorageColumns.entryCount

    static let detailColumns = StorageColumns.entryDetails
    static let assignments = StorageColumns.entryAssignments

    static func arguments(_ d: EntryDetails) throws -> [any SQLValue] {
        try StorageColumns.entryValues(d)
    }

    /// Decodes `columns` starting at `offset`.
    static func decode(_ row: PostgresRandomAccessRow, from offset: Int = 0) throws -> StoredEntry {
        let details = EntryDetails(
            name: try row.get(offset + 2), category: try row.get(offset + 3),
            aliases: try StorageJSON.value(try row.get(offset + 4, as: String?.self)) ?? [],
            dateOfBirth: try row.get(offset + 5), nationality: try row.get(offset + 6),
            documents: try StorageJSON.value(try row.get(offset + 7, as: String?.self)) ?? [],
            issuingAuthority: try row.get(offset + 8), legalBasis: try row.get(offset + 9),
            handlingInstructions: try row.get(offset + 10), expiresAt: try row.get(offset + 11), externalRef: try row.get(offset + 12))
        let created: Int64 = try row.get(offset + 13)
        let updated: Int64? = try row.get(offset + 14)
        let id: String = try row.get(offset + 1)
        return StoredEntry(key: try row.get(offset), id: UUID(uuidString: id) ?? UUID(), details: details,
                           createdVersion: created, updatedVersion: updated ?? created)
    }
}
