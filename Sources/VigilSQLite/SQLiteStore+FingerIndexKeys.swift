import Foundation
import GRDB
import VigilStorage

extension SQLiteStore {
    /// One transaction: each row's key id is read where it is replaced, so a
    /// re-seal running beside it never leaves a value under another key.
    public func replaceFingerIndexKeys(_ replacements: [Int64: [UInt8]]) async throws(StorageError) -> Int {
        let keys = self.keys
        return try await write { db in
            var replaced = 0
            for (id, indexKeys) in replacements.sorted(by: { $0.key < $1.key }) {
                guard let row = try Row.fetchOne(db, sql: "SELECT digest, key_id FROM finger_template WHERE id = ?", arguments: [id]) else {
                    continue
                }
                let sealed = try TemplateSealing.seal(replacing: indexKeys, .fingerIndexKeys, digest: row[0] ?? "", keyID: row[1], keys: keys)
                try db.execute(sql: "UPDATE finger_template SET index_keys = ? WHERE id = ?", arguments: [sealed, id])
                replaced += 1
            }
            return replaced
        }
    }
}
