import Foundation
import GRDB

/// Templates and kept images are stored sealed (AES-256-GCM under the
/// current data key, its id in `key_id`); each value's context names its
/// column and its template's digest, so a value moved to another row or
/// column does not open. Rows from before schema v8 (`key_id` NULL) are
/// sealed at start-up; `reseal` moves every row to the current key.
enum TemplateColumn: String, CaseIterable {
    case faceVector = "face_template.vector"
    case faceQuantized = "face_template.quantized"
    case faceSource = "face_template.source_image"
    case fingerRecord = "finger_template.record"
    case fingerCylinders = "finger_template.cylinders"
    case fingerSource = "finger_template.source_image"

    var table: String { String(rawValue.split(separator: ".")[0]) }
    var column: String { String(rawValue.split(separator: ".")[1]) }

    func context(digest: String) -> String { "\(rawValue):\(digest)" }
}

extension VigilStore {
    /// Opens a stored value: sealed when the row has a key id, else as stored.
    static func unseal(_ stored: Data?, _ column: TemplateColumn, digest: String?, keyID: Int64?, keys: KeyRing) throws -> [UInt8]? {
        guard let stored else { return nil }
        guard keyID != nil else { return [UInt8](stored) }
        return try keys.open(stored, context: column.context(digest: digest ?? ""))
    }

    static func seal(_ plain: [UInt8]?, _ column: TemplateColumn, digest: String, keys: KeyRing) throws -> Data? {
        try plain.map { try keys.seal($0, context: column.context(digest: digest)) }
    }

    /// Seals (or re-seals under the current key) up to `batch` rows per
    /// table in one transaction; returns how many it changed. Readers keep
    /// working throughout: every row opens under the key it names.
    public func reseal(batch: Int = 500, onlyUnsealed: Bool = false) async throws(StorageError) -> Int {
        let keys = self.keys, current = Int64(keys.currentDataKeyID)
        return try await write { db in
            var changed = 0
            for (table, columns) in [("face_template", [TemplateColumn.faceVector, .faceQuantized, .faceSource]),
                                     ("finger_template", [TemplateColumn.fingerRecord, .fingerCylinders, .fingerSource])] {
                let names = columns.map(\.column)
                // The unsealed-only form is what the partial index `<table>_unsealed` serves.
                let stale = onlyUnsealed ? "key_id IS NULL" : "key_id IS NULL OR key_id != \(current)"
                let rows = try Row.fetchAll(db, sql: """
                    SELECT id, digest, key_id, \(names.joined(separator: ", ")) FROM \(table) WHERE \(stale) LIMIT ?
                    """, arguments: [batch])
                for row in rows {
                    let digest: String = row[1] ?? ""
                    let keyID: Int64? = row[2]
                    var values: [DatabaseValueConvertible?] = []
                    for (offset, column) in columns.enumerated() {
                        let plain = try Self.unseal(row[3 + offset], column, digest: digest, keyID: keyID, keys: keys)
                        values.append(try Self.seal(plain, column, digest: digest, keys: keys))
                    }
                    try db.execute(sql: "UPDATE \(table) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")), key_id = ? WHERE id = ?",
                                   arguments: StatementArguments(values + [current, row[0] as Int64]))
                }
                changed += rows.count
            }
            return changed
        }
    }

    /// Rows not yet under the current data key.
    public func rowsToReseal() async throws(StorageError) -> Int {
        let current = Int64(keys.currentDataKeyID)
        return try await read { db in
            try ["face_template", "finger_template"].reduce(0) { total, table in
                total + (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE key_id IS NULL OR key_id != ?", arguments: [current]) ?? 0)
            }
        }
    }

    /// Adds a data key, makes it current and re-seals every template and
    /// kept image under it, batch by batch, while the service keeps running.
    public func rotateDataKey(batch: Int = 500, progress: (Int) -> Void = { _ in }) async throws(StorageError) -> UInt32 {
        let id = try keys.addDataKey()
        var done = 0
        while true {
            let changed = try await reseal(batch: batch)
            guard changed > 0 else { break }
            done += changed
            progress(done)
        }
        return id
    }
}
