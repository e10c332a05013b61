import Foundation

/// Column lists every backend selects and writes in the same order, so
/// their row decoders and statements cannot drift apart.
package enum StorageColumns {
    /// A `watchlist_entry e` row, as the entry decoders read it.
    package static let entry = """
        e.key, e.id, e.name, e.category, e.aliases, e.date_of_birth, e.nationality, e.documents, e.issuing_authority,
        e.legal_basis, e.handling_instructions, e.expires_at, e.external_ref, e.created_version, e.updated_version
        """
    package static let entryCount = 15

    /// The descriptive columns, in `entryValues` order.
    package static let entryDetails = ["name", "category", "aliases", "date_of_birth", "nationality", "documents", "issuing_authority",
                                       "legal_basis", "handling_instructions", "expires_at", "external_ref"]
    package static let entryAssignments = entryDetails.map { "\($0) = ?" }.joined(separator: ", ")

    /// An entry's details as the values of `entryDetails` (lists as JSON text).
    package static func entryValues(_ d: EntryDetails) throws -> [TransferValue] {
        func text(_ value: String?) -> TransferValue { value.map { .text($0) } ?? .null }
        return [.text(d.name), .text(d.category), .text(try StorageJSON.text(d.aliases)), text(d.dateOfBirth), text(d.nationality),
                .text(try StorageJSON.text(d.documents)), text(d.issuingAuthority), text(d.legalBasis), text(d.handlingInstructions),
                d.expiresAt.map { .date($0) } ?? .null, text(d.externalRef)]
    }

    /// An `audit_record` row, as the audit decoders read it (the probe only as whether it is kept).
    package static let audit = """
        seq, recorded_at, actor_id, actor_role, post_id, action, subject, watchlist_version, outcome, probe_digest,
        sealed_digest, context, result, prev_hash, hash, probe_sealed IS NOT NULL, request_id
        """
}
