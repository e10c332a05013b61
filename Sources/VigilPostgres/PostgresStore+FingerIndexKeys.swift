import Foundation
import PostgresNIO
import VigilStorage

extension PostgresStore {
    /// One transaction; each row is locked while its key id is read and its
    /// keys replaced, so a re-seal on another node never leaves a value
    /// under another key than the row names.
    public func replaceFingerIndexKeys(_ replacements: [Int64: [UInt8]]) async throws(StorageError) -> Int {
        let keys = self.keys
        return try await transaction { db in
            var replaced = 0
            for (id, indexKeys) in replacements.sorted(by: { $0.key < $1.key }) {
                guard let row = try await db.rows("SELECT digest, key_id FROM finger_template WHERE id = ? FOR UPDATE", [id]).first else {
                    continue
                }
                let digest: String? = try row.get(0)
                let sealed = try TemplateSealing.seal(replacing: indexKeys, .fingerIndexKeys, digest: digest ?? "", keyID: try row.get(1),
                                                      keys: keys)
                try await db.execute("UPDATE finger_template SET index_keys = ? WHERE id = ?", [sealed, id])
                replaced += 1
            }
            return replaced
        }
    }
}
