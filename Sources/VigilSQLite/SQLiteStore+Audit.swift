import Crypto
import Foundation
import GRDB
import VigilStorage

/// The audit log: appended inside the transaction of the action it records.
extension SQLiteStore {
    static let auditColumns = StorageColumns.audit

    /// Appends one record (call inside a write transaction) and, every
    /// `checkpointEvery` records, a signed checkpoint of the chain head.
    static func appendAudit(_ draft: AuditDraft, actor: AuditActor, at date: Date, keys: KeyRing, checkpointEvery: Int,
                            _ db: Database) throws -> Int64 {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1")
        let seq: Int64 = (last?[0] as Int64? ?? 0) + 1
        let (record, sealed) = try AuditChain.record(draft, seq: seq, prev: last?[1] ?? AuditChain.genesis, actor: actor, at: date,
                                                     watchlistVersion: try version(db), keys: keys)
        try db.execute(sql: """
            INSERT INTO audit_record (seq, recorded_at, actor_id, actor_role, post_id, action, subject, watchlist_version, outcome,
              probe_digest, sealed_digest, probe_sealed, context, result, prev_hash, hash, request_id)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [seq, record.recordedAt, record.actorId, record.actorRole, record.postId, record.action, record.subject,
                             record.watchlistVersion, record.outcome, record.probeDigest, record.sealedDigest, sealed, record.context,
                             record.result, record.prevHash, record.hash, record.requestId])
        let lastCheckpoint = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoint") ?? 0
        if seq - lastCheckpoint >= checkpointEvery {
            try writeCheckpoint(seq: seq, head: record.hash, at: date, keys: keys, db)
        }
        return seq
    }

    static func writeCheckpoint(seq: Int64, head: String, at date: Date, keys: KeyRing, _ db: Database) throws {
        let checkpoint = try AuditChain.checkpoint(seq: seq, head: head, at: date, keys: keys)
        try db.execute(sql: "INSERT INTO audit_checkpoint (seq, head_hash, signed_at, public_key, signature) VALUES (?, ?, ?, ?, ?)",
                       arguments: [checkpoint.seq, checkpoint.head, checkpoint.signedAt, checkpoint.publicKey, checkpoint.signature])
    }

    /// How many audit records there are, and when the last checkpoint was signed (nil: never).
    public func auditStatus() async throws(StorageError) -> (records: Int, lastCheckpointAt: Date?) {
        try await read { db in
            // seq runs from 1 without holes (the chain verifies that), so its maximum is the count
            // without a table scan on every metrics scrape.
            let records = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM audit_record") ?? 0
            let signed = try String.fetchOne(db, sql: "SELECT signed_at FROM audit_checkpoint ORDER BY seq DESC LIMIT 1")
            return (records, signed.flatMap(AuditChain.date))
        }
    }

    /// Signs the chain head if it moved since the last checkpoint (the
    /// daemon calls this every few minutes). Returns the head's seq, if signed.
    @discardableResult
    public func checkpoint(at date: Date) async throws(StorageError) -> Int64? {
        let keys = self.keys
        return try await write { db in
            guard let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1") else { return nil }
            let seq: Int64 = head[0]
            let last = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoint") ?? 0
            guard seq > last else { return nil }
            try Self.writeCheckpoint(seq: seq, head: head[1], at: date, keys: keys, db)
            return seq
        }
    }

    /// Appends a record on its own (actions with no other write).
    public func audit(_ draft: AuditDraft, at date: Date) async throws(StorageError) -> Int64 {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        return try await write { db in try Self.appendAudit(draft, actor: actor, at: date, keys: keys, checkpointEvery: every, db) }
    }

    /// Records in `from...to`, optionally one actor's or one action's, oldest first.
    public func auditRecords(from: Int64, to: Int64, actor: String?, action: String?,
                             limit: Int) async throws(StorageError) -> [AuditRecord] {
        try await read { db in
            var sql = "SELECT \(Self.auditColumns) FROM audit_record WHERE seq >= ? AND seq <= ?"
            var arguments: StatementArguments = [from, to]
            if let actor { sql += " AND actor_id = ?"; arguments += [actor] }
            if let action { sql += " AND action = ?"; arguments += [action] }
            sql += " ORDER BY seq LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.auditRecord)
        }
    }

    /// The sealed probe of a record, opened; nil once retention erased it.
    public func probe(ofRecord seq: Int64) async throws(StorageError) -> [UInt8]? {
        let keys = self.keys
        let stored = try await read { db -> (Data?, String?) in
            let row = try Row.fetchOne(db, sql: "SELECT probe_sealed, probe_digest FROM audit_record WHERE seq = ?", arguments: [seq])
            return (row?[0], row?[1])
        }
        guard let sealed = stored.0, let digest = stored.1 else { return nil }
        return try AuditChain.openProbe(sealed, digest: digest, seq: seq, keys: keys)
    }

    /// Erases the sealed probes of no-hit screenings recorded before `cutoff`.
    public func eraseProbes(ofNoHitScreeningsBefore cutoff: Date) async throws(StorageError) -> Int {
        try await write { db in
            try db.execute(sql: """
                UPDATE audit_record SET probe_sealed = NULL
                WHERE action = 'screening' AND outcome = 'no_hit' AND probe_sealed IS NOT NULL AND recorded_at < ?
                """, arguments: [AuditChain.timestamp(cutoff)])
            return db.changesCount
        }
    }

    static func auditRecord(_ row: Row) -> AuditRecord {
        AuditRecord(seq: row[0], recordedAt: row[1], actorId: row[2], actorRole: row[3], postId: row[4], action: row[5], subject: row[6],
                    watchlistVersion: row[7], outcome: row[8], probeDigest: row[9], sealedDigest: row[10], context: row[11],
                    result: row[12], prevHash: row[13], hash: row[14], probeKept: row[15], requestId: row[16])
    }
}
