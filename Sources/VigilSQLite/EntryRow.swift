import Foundation
import GRDB
import VigilStorage

/// Reading and writing the `watchlist_entry` row: one column list, one
/// decoder, so every query returns entries the same way.
enum EntryRow {
    static let columns = StorageColumns.entry

    /// Decodes `columns` starting at `offset`.
    static func decode(_ row: Row, from offset: Int = 0) throws -> StoredEntry {
        let id: String = row[offset + 1]
        let details = EntryDetails(
            name: row[offset + 2], category: row[offset + 3], aliases: try StorageJSON.value(row[offset + 4]) ?? [],
            dateOfBirth: row[offset + 5], nationality: row[offset + 6], documents: try StorageJSON.value(row[offset + 7]) ?? [],
            issuingAuthority: row[offset + 8], legalBasis: row[offset + 9], handlingInstructions: row[offset + 10],
            expiresAt: row[offset + 11], externalRef: row[offset + 12])
        let created: Int64 = row[offset + 13]
        let updated: Int64? = row[offset + 14]
        return StoredEntry(key: row[offset], id: UUID(uuidString: id) ?? UUID(), details: details,
                           createdVersion: created, updatedVersion: updated ?? created)
    }

    static let detailColumns = StorageColumns.entryDetails
    static let assignments = StorageColumns.entryAssignments

    static func arguments(_ d: EntryDetails) throws -> StatementArguments {
        StatementArguments(try StorageColumns.entryValues(d).map(\.databaseValue))
    }
}
