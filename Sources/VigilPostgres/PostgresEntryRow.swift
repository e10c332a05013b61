import Foundation
import PostgresNIO
import VigilStorage

/// The `watchlist_entry` row in PostgreSQL: one column list, one decoder.
enum PostgresEntryRow {
    static let columns = """
        e.key, e.id, e.name, e.category, e.aliases, e.date_of_birth, e.nationality, e.documents, e.issuing_authority,
        e.legal_basis, e.handling_instructions, e.expires_at, e.external_ref, e.created_version, e.updated_version
        """
    static let count = 15

    static let detailColumns = ["name", "category", "aliases", "date_of_birth", "nationality", "documents", "issuing_authority",
                                "legal_basis", "handling_instructions", "expires_at", "external_ref"]
    static let assignments = detailColumns.map { "\($0) = ?" }.joined(separator: ", ")

    static func arguments(_ d: EntryDetails) throws -> [any SQLValue] {
        [d.name, d.category, try StorageJSON.text(d.aliases), d.dateOfBirth, d.nationality, try StorageJSON.text(d.documents),
         d.issuingAuthority, d.legalBasis, d.handlingInstructions, d.expiresAt, d.externalRef]
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
