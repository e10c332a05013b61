import Foundation
import PostgresNIO
import VigilStorage

/// Re-sealing under a new data key, batch by batch, while nodes keep serving.
extension PostgresStore {
    public func reseal(batch: Int, onlyUnsealed: Bool) async throws(StorageError) -> Int {
        let keys = self.keys, current = Int64(keys.currentDataKeyID)
        return try await transaction { db in
            var changed = 0
            for (table, columns) in TemplateColumn.byTable {
                let names = columns.map(\.column)
                let stale = onlyUnsealed ? "key_id IS NULL" : "key_id IS NULL OR key_id <> ?"
                // SKIP LOCKED: two nodes re-sealing at once take different rows.
                let rows = try await db.rows("""
                    SELECT id, digest, key_id, \(names.joined(separator: ", ")) FROM \(table) WHERE \(stale) ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED
                    """, onlyUnsealed ? [batch] : [current, batch])
                for row in rows {
                    let digest: String = try row.get(1)
                    let keyID: Int64? = try row.get(2)
                    var values: [any SQLValue] = []
                    for (offset, column) in columns.enumerated() {
                        let plain = try TemplateSealing.unseal(try row.get(3 + offset, as: Data?.self), column, digest: digest, keyID: keyID, keys: keys)
                        values.append(try TemplateSealing.seal(plain, column, digest: digest, keys: keys))
                    }
                    try await db.execute("UPDATE \(table) SET \(names.map { "\($0) = ?" }.joined(separator: ", ")), key_id = ? WHERE id = ?",
                                         values + [current, try row.get(0, as: Int64.self)])
                }
                changed += rows.count
            }
            return changed
        }
    }

    public func rowsToReseal() async throws(StorageError) -> Int {
        let current = Int64(keys.currentDataKeyID)
        return try await read { db in
            var total = 0
            for table in ["face_template", "finger_template"] {
                total += Int(try await db.value("SELECT COUNT(*) FROM \(table) WHERE key_id IS NULL OR key_id <> ?", [current], as: Int64.self) ?? 0)
            }
            return total
        }
    }

    public func addDataKey() throws(StorageError) -> UInt32 { try keys.addDataKey() }
}
