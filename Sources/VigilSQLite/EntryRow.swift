import Foundation
import GRDB
import VigilStorage

/// Reading and writing the `watchlist_entry` row: one column list, one
/// decoder, so every query returns entries the same way.
enum EntryRow {
    static let columns = """
        e.key, e.id, e.name, e.category, e.aliases, e.date_of_birth, e.nationality, e.documents, e.issuing_authority,
        e.legal_basis, e.handling_instructions, e.expires_at, e.external_ref, e.created_version, e.updated_version
        """

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

    /// The descriptive columns, in `arguments` order.
    static let detailColumns = ["name", "category", "aliases", "date_of_birth", "nationality", "documents", "issuing_authority",
                                "legal_basis", "handling_instructions", "expires_at", "external_ref"]
    static let assignments = detailColumns.map { "\($0) = ?" }.joined(separator: ", ")

    static func arguments(_ d: EntryDetails) throws -> StatementArguments {
        [d.name, d.category, try StorageJSON.text(d.aliases), d.dateOfBirth, d.nationality, try StorageJSON.text(d.documents), d.issuingAuthority,
         d.legalBasis, d.handlingInstructions, d.expiresAt, d.externalRef]
    }
}
