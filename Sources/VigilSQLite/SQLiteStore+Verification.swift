import Foundation
import GRDB
import VigilStorage

extension SQLiteStore {
    /// Recomputes the chain and checks every checkpoint against `publicKey`
    /// (by default this database's own signing key: pass the exported key
    /// to check against a key the operator cannot have swapped).
    public func verifyAudit(publicKey: [UInt8]?) async throws(StorageError) -> AuditVerification {
        let trusted = publicKey ?? keys.publicKey
        return try await read { db in
            let checkpoints = try Row.fetchAll(db, sql: "SELECT seq, head_hash, signed_at, public_key, signature FROM audit_checkpoint ORDER BY seq")
                .map { StoredCheckpoint(seq: $0[0], head: $0[1], signedAt: $0[2], publicKey: $0[3], signature: $0[4]) }
            var verifier = try AuditChainVerifier(publicKey: trusted, checkpoints: checkpoints)
            let rows = try Row.fetchCursor(db, sql: "SELECT \(Self.auditColumns), probe_sealed FROM audit_record ORDER BY seq")
            while let row = try rows.next() {
                if let failure = verifier.check(Self.auditRecord(row), sealed: row[17]) { return failure }
            }
            return verifier.finish()
        }
    }
}
