import Foundation
import GRDB
import VigilStorage

extension SQLiteStore {
    /// Seals (or re-seals under the current key) up to `batch` rows per
    /// table in one transaction; returns how many it changed. Readers keep
    /// working throughout: every row opens under the key it names.
    public func reseal(batch: Int, onlyUnsealed: Bool) async throws(StorageError) -> Int {
        let keys = self.keys, current = Int64(keys.currentDataKeyID)
        return try await write { db in
            var changed = 0
            for (table, columns) in TemplateColumn.byTable {
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
                        let plain = try TemplateSealing.unseal(row[3 + offset], column, digest: digest, keyID: keyID, keys: keys)
                        values.append(try TemplateSealing.seal(plain, column, digest: digest, keys: keys))
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

    public func addDataKey() throws(StorageError) -> UInt32 { try keys.addDataKey() }
}
