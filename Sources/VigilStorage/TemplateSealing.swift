import Foundation

/// Templates and kept images are stored sealed (AES-256-GCM under the
/// current data key, its id in `key_id`); each value's context names its
/// column and its template's digest, so a value moved to another row or
/// column does not open. Rows from before schema v8 (`key_id` NULL) are
/// sealed at start-up; `reseal` moves every row to the current key.
package enum TemplateColumn: String, CaseIterable, Sendable {
    case faceVector = "face_template.vector"
    case faceQuantized = "face_template.quantized"
    case faceSource = "face_template.source_image"
    case fingerRecord = "finger_template.record"
    case fingerCylinders = "finger_template.cylinders"
    case fingerSource = "finger_template.source_image"
    case fingerIndexKeys = "finger_template.index_keys"

    /// Every sealed column, table by table (what a re-seal visits).
    package static let byTable: [(table: String, columns: [TemplateColumn])] = [
        ("face_template", [.faceVector, .faceQuantized, .faceSource]),
        ("finger_template", [.fingerRecord, .fingerCylinders, .fingerSource, .fingerIndexKeys]),
    ]

    package var table: String { String(rawValue.split(separator: ".")[0]) }
    package var column: String { String(rawValue.split(separator: ".")[1]) }

    package func context(digest: String) -> String { "\(rawValue):\(digest)" }
}

/// Sealing and opening of template columns, the same in every backend.
package enum TemplateSealing {
    /// Opens a stored value: sealed when the row has a key id, else as stored.
    package static func unseal(_ stored: Data?, _ column: TemplateColumn, digest: String?, keyID: Int64?, keys: KeyRing) throws(StorageError) -> [UInt8]? {
        guard let stored else { return nil }
        guard keyID != nil else { return [UInt8](stored) }
        return try keys.open(stored, context: column.context(digest: digest ?? ""))
    }

    package static func seal(_ plain: [UInt8]?, _ column: TemplateColumn, digest: String, keys: KeyRing) throws -> Data? {
        try plain.map { try keys.seal($0, context: column.context(digest: digest)) }
    }

    /// Seals a value that replaces one in an existing row, under the key the
    /// row names (`keyID`; nil: the row is not sealed yet, the value is
    /// stored as it is, and the next re-seal seals the row whole).
    package static func seal(replacing plain: [UInt8], _ column: TemplateColumn, digest: String, keyID: Int64?,
                             keys: KeyRing) throws(StorageError) -> Data {
        guard let keyID else { return Data(plain) }
        guard let id = UInt32(exactly: keyID) else { throw .keyUnusable("data key \(keyID) is not a key id") }
        return try keys.seal(plain, context: column.context(digest: digest), keyID: id)
    }
}
