import Foundation

/// Moving a deployment between backends (`vigil migrate`): every table
/// copied row for row, keys, versions, sealed blobs and audit hashes as
/// stored, so the chain verifies and the versions are the same afterwards.
/// Sealed values move as they are: their sealing context names the column
/// and the template's digest, not the row.
package enum TransferValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case text(String)
    case blob(Data)
    case date(Date)
}

package struct TransferTable: Sendable {
    package enum Kind: Sendable { case int, double, bool, text, blob, date }

    package let name: String
    package let columns: [(name: String, kind: Kind)]
    /// The integer column rows are read in order of (and paged by); nil: read whole, in `order`.
    package let key: String?
    package let order: String

    package var columnList: String { columns.map(\.name).joined(separator: ", ") }

    /// In dependency order: a row's references are copied before it.
    package static let all: [TransferTable] = [
        TransferTable(name: "category", columns: [("name", .text), ("description", .text), ("protective", .bool), ("match_threshold", .double),
                                                  ("confirmations", .int), ("action", .text), ("target_fpir", .double),
                                                  ("posts", .text)],
                      key: nil, order: "rowid"),
        TransferTable(name: "watchlist_event", columns: [("version", .int), ("action", .text), ("entry_id", .text), ("recorded_at", .date),
                                                         ("details", .text)], key: "version", order: "version"),
        TransferTable(name: "watchlist_entry", columns: [("key", .int), ("id", .text), ("name", .text), ("category", .text), ("created_at", .date),
                                                         ("created_version", .int), ("aliases", .text), ("date_of_birth", .text),
                                                         ("nationality", .text), ("documents", .text), ("issuing_authority", .text),
                                                         ("legal_basis", .text), ("handling_instructions", .text), ("expires_at", .date),
                                                         ("external_ref", .text), ("updated_version", .int)], key: "key", order: "key"),
        TransferTable(name: "face_template", columns: [("id", .int), ("entry_key", .int), ("vector", .blob), ("quantized", .blob),
                                                       ("added_version", .int), ("digest", .text), ("source_image", .blob), ("key_id", .int),
                                                       ("model", .text), ("subject_box", .text)], key: "id", order: "id"),
        TransferTable(name: "finger_template", columns: [("id", .int), ("entry_key", .int), ("position", .int), ("record", .blob),
                                                         ("cylinders", .blob), ("added_version", .int), ("digest", .text),
                                                         ("source_image", .blob), ("key_id", .int), ("index_keys", .blob)],
                      key: "id", order: "id"),
        TransferTable(name: "api_token", columns: [("id", .text), ("name", .text), ("role", .text), ("secret_hash", .text), ("created_at", .date),
                                                   ("revoked_at", .date)], key: nil, order: "created_at, id"),
        TransferTable(name: "screening", columns: [("id", .text), ("recorded_at", .date), ("watchlist_version", .int), ("decision", .text),
                                                   ("face_count", .int), ("result", .text), ("post_token", .text)], key: nil, order: "recorded_at, id"),
        TransferTable(name: "adjudication", columns: [("id", .int), ("screening_id", .text), ("entry_id", .text), ("officer_id", .text),
                                                      ("outcome", .text), ("post_token", .text), ("recorded_at", .date)], key: "id", order: "id"),
        TransferTable(name: "audit_record", columns: [("seq", .int), ("recorded_at", .text), ("actor_id", .text), ("actor_role", .text),
                                                      ("post_id", .text), ("action", .text), ("subject", .text), ("watchlist_version", .int),
                                                      ("outcome", .text), ("probe_digest", .text), ("sealed_digest", .text),
                                                      ("probe_sealed", .blob), ("context", .text), ("result", .text), ("prev_hash", .text),
                                                      ("hash", .text), ("request_id", .text)], key: "seq", order: "seq"),
        TransferTable(name: "audit_checkpoint", columns: [("seq", .int), ("head_hash", .text), ("signed_at", .text), ("public_key", .text),
                                                          ("signature", .text)], key: "seq", order: "seq"),
    ]
}

/// A store rows can be copied out of, page by page.
package protocol TransferSource: Sendable {
    /// Up to `limit` rows of `table` after `after` in its key (all rows when it has none).
    func transferRows(_ table: TransferTable, after: Int64, limit: Int) async throws(StorageError) -> [[TransferValue]]
    /// The highest id each table has ever handed out (removed rows included), by table:
    /// the target must not hand out an erased entry's key or template's id again.
    func transferSequences() async throws(StorageError) -> [String: Int64]
}

/// A store rows can be copied into (empty before the first page).
package protocol TransferTarget: Sendable {
    /// Whether it holds no watchlist, no audit record and no token yet.
    func isEmptyForTransfer() async throws(StorageError) -> Bool
    func insertTransferred(_ table: TransferTable, rows: [[TransferValue]]) async throws(StorageError)
    /// Sets the version and audit heads, and the id sequences past what was copied and past `sequences`.
    func finishTransfer(sequences: [String: Int64]) async throws(StorageError)
}
