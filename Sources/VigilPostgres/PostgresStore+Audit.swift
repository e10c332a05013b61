import Foundation
import PostgresNIO
import VigilStorage

/// The audit log: one chain for every node, appended under the lock on
/// `audit_head` inside the transaction of the action it records.
extension PostgresStore {
    static let auditColumns = StorageColumns.audit

    static func appendAudit(_ draft: AuditDraft, actor: AuditActor, at date: Date, keys: KeyRing, checkpointEvery: Int,
                            _ db: SQLConnection) async throws -> Int64 {
        guard let head = try await db.one("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE") else {
            throw StorageError.database("audit_head is missing")
        }
        let seq = try head.get(0, as: Int64.self) + 1
        let (record, sealed) = try AuditChain.record(draft, seq: seq, prev: try head.get(1), actor: actor, at: date,
                                                     watchlistVersion: try await version(db), keys: keys)
        try await db.execute("""
            INSERT INTO audit_record (seq, recorded_at, actor_id, actor_role, post_id, action, subject, watchlist_version, outcome,
              probe_digest, sealed_digest, probe_sealed, context, result, prev_hash, hash, request_id)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [seq, record.recordedAt, record.actorId, record.actorRole, record.postId, record.action, record.subject,
                  record.watchlistVersion, record.outcome, record.probeDigest, record.sealedDigest, sealed, record.context,
                  record.result, record.prevHash, record.hash, record.requestId])
        try await db.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", [seq, record.hash])
        let lastCheckpoint = try await db.value("SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoint", as: Int64.self) ?? 0
        if seq - lastCheckpoint >= checkpointEvery {
            try await writeCheckpoint(try AuditChain.checkpoint(seq: seq, head: record.hash, at: date, keys: keys), db)
        }
        return seq
    }

    static func writeCheckpoint(_ checkpoint: StoredCheckpoint, _ db: SQLConnection) async throws {
        try await db.execute("INSERT INTO audit_checkpoint (seq, head_hash, signed_at, public_key, signature) VALUES (?, ?, ?, ?, ?)",
                             [checkpoint.seq, checkpoint.head, checkpoint.signedAt, checkpoint.publicKey, checkpoint.signature])
    }

    public func auditStatus() async throws(StorageError) -> (records: Int, lastCheckpointAt: Date?) {
        try await read { db in
            let records = try await db.value("SELECT seq FROM audit_head WHERE id = 1", as: Int64.self) ?? 0
            let signed = try await db.value("SELECT signed_at FROM audit_checkpoint ORDER BY seq DESC LIMIT 1", as: String.self)
            return (Int(records), signed.flatMap(AuditChain.date))
        }
    }

    @discardableResult
    public func checkpoint(at date: Date) async throws(StorageError) -> Int64? {
        let keys = self.keys
        return try await transaction { db in
            guard let head = try await db.one("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE") else { return nil }
            let seq: Int64 = try head.get(0)
            let last = try await db.value("SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoint", as: Int64.self) ?? 0
            guard seq > last else { return nil }
            try await Self.writeCheckpoint(try AuditChain.checkpoint(seq: seq, head: try head.get(1), at: date, keys: keys), db)
            return seq
        }
    }

    public func audit(_ draft: AuditDraft, at date: Date) async throws(StorageError) -> Int64 {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        return try await transaction { db in
            try await Self.appendAudit(draft, actor: actor, at: date, keys: keys, checkpointEvery: every, db)
        }
    }

    public func auditRecords(from: Int64, to: Int64, actor: String?, action: String?, limit: Int) async throws(StorageError) -> [AuditRecord] {
        try await read { db in
            var sql = "SELECT \(Self.auditColumns) FROM audit_record WHERE seq >= ? AND seq <= ?"
            var arguments: [any SQLValue] = [from, to]
            if let actor { sql += " AND actor_id = ?"; arguments.append(actor) }
            if let action { sql += " AND action = ?"; arguments.append(action) }
            sql += " ORDER BY seq LIMIT ?"
            arguments.append(Int64(clamping: limit))
            return try await db.rows(sql, arguments).map(Self.auditRecord)
        }
    }

    public func probe(ofRecord seq: Int64) async throws(StorageError) -> [UInt8]? {
        let keys = self.keys
        let stored = try await read { db -> (Data?, String?) in
            guard let row = try await db.one("SELECT probe_sealed, probe_digest FROM audit_record WHERE seq = ?", [seq]) else { return (nil, nil) }
            return (try row.get(0), try row.get(1))
        }
        guard let sealed = stored.0, let digest = stored.1 else { return nil }
        return try AuditChain.openProbe(sealed, digest: digest, seq: seq, keys: keys)
    }

    public func eraseProbes(ofNoHitScreeningsBefore cutoff: Date) async throws(StorageError) -> Int {
        try await transaction { db in
            try await db.rows("""
                UPDATE audit_record SET probe_sealed = NULL
                WHERE action = 'screening' AND outcome = 'no_hit' AND probe_sealed IS NOT NULL AND recorded_at < ? RETURNING 1
                """, [AuditChain.timestamp(cutoff)]).count
        }
    }

    public func verifyAudit(publicKey: [UInt8]?) async throws(StorageError) -> AuditVerification {
        let trusted = publicKey ?? keys.publicKey
        return try await read { db in
            let checkpoints = try await Self.checkpointRows(
                "SELECT seq, head_hash, signed_at, public_key, signature FROM audit_checkpoint ORDER BY seq", [], db)
            var verifier = try AuditChainVerifier(publicKey: trusted, checkpoints: checkpoints)
            // Streamed in seq order: the chain is checked as it arrives.
            let query = SQL.query("SELECT \(Self.auditColumns), probe_sealed FROM audit_record ORDER BY seq", [])
            for try await row in try await db.connection.query(query, logger: db.logger) {
                let access = row.makeRandomAccess()
                if let failure = verifier.check(try Self.auditRecord(access), sealed: try access.get(17)) { return failure }
            }
            return verifier.finish()
        }
    }

    static func auditRecord(_ row: PostgresRandomAccessRow) throws -> AuditRecord {
        AuditRecord(seq: try row.get(0), recordedAt: try row.get(1), actorId: try row.get(2), actorRole: try row.get(3), postId: try row.get(4),
                    action: try row.get(5), subject: try row.get(6), watchlistVersion: try row.get(7), outcome: try row.get(8),
                    probeDigest: try row.get(9), sealedDigest: try row.get(10), context: try row.get(11), result: try row.get(12),
                    prevHash: try row.get(13), hash: try row.get(14), probeKept: try row.get(15), requestId: try row.get(16))
    }
}
