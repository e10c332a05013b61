import Foundation
import PostgresNIO
import VigilStorage

/// Headquarters' copy of its posts' audit chains. Appends lock the post's
/// `post_node` row, so two uploads of one post (several headquarters
/// nodes) are checked and stored one after the other.
extension PostgresStore {
    public func registerNodeKey(post: String, publicKey: String, at date: Date) async throws(StorageError) {
        try await transaction { db in
            try await db.execute("""
                INSERT INTO post_node (post, public_key, registered_at) VALUES (?, ?, ?)
                ON CONFLICT (post) DO UPDATE SET public_key = excluded.public_key, registered_at = excluded.registered_at
                """, [post, publicKey, AuditChain.timestamp(date)])
        }
    }

    public func nodeKeys() async throws(StorageError) -> [String: String] {
        try await read { db in
            Dictionary(try await db.rows("SELECT post, public_key FROM post_node").map { (try $0.get(0), try $0.get(1)) }) { first, _ in first }
        }
    }

    public func postChainHead(post: String) async throws(StorageError) -> PostChainHead {
        try await read { db in try await Self.postChainHead(post, db) }
    }

    public func appendPostRecords(post: String, after head: PostChainHead, records: [AuditRecord],
                                  checkpoints: [StoredCheckpoint]) async throws(StorageError) -> PostChainHead {
        try await transaction { db in
            _ = try await db.rows("SELECT post FROM post_node WHERE post = ? FOR UPDATE", [post])
            guard try await Self.postChainHead(post, db) == head else { throw StorageError.postChainMoved(post: post) }
            for record in records {
                try await db.execute("INSERT INTO post_record (post, seq, hash, record) VALUES (?, ?, ?, ?)",
                                     [post, record.seq, record.hash, try PostArchiveSchema.text(record)])
            }
            for checkpoint in checkpoints {
                try await db.execute("""
                    INSERT INTO post_checkpoint (post, seq, head_hash, signed_at, public_key, signature) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING
                    """, [post, checkpoint.seq, checkpoint.head, checkpoint.signedAt, checkpoint.publicKey, checkpoint.signature])
            }
            return records.last.map { PostChainHead(seq: $0.seq, hash: $0.hash) } ?? head
        }
    }

    public func postRecords(post: String, after seq: Int64, limit: Int) async throws(StorageError) -> [AuditRecord] {
        try await read { db in
            try await db.rows("SELECT record FROM post_record WHERE post = ? AND seq > ? ORDER BY seq LIMIT ?", [post, seq, Int64(limit)])
                .map { try PostArchiveSchema.record(try $0.get(0)) }
        }
    }

    public func postCheckpoints(post: String) async throws(StorageError) -> [StoredCheckpoint] {
        try await read { db in
            try await Self.checkpointRows("SELECT seq, head_hash, signed_at, public_key, signature FROM post_checkpoint WHERE post = ? ORDER BY seq",
                                          [post], db)
        }
    }

    public func checkpoints(after seq: Int64) async throws(StorageError) -> [StoredCheckpoint] {
        try await read { db in
            try await Self.checkpointRows("SELECT seq, head_hash, signed_at, public_key, signature FROM audit_checkpoint WHERE seq > ? ORDER BY seq",
                                          [seq], db)
        }
    }

    static func checkpointRows(_ sql: String, _ arguments: [any SQLValue], _ db: SQLConnection) async throws -> [StoredCheckpoint] {
        try await db.rows(sql, arguments).map {
            StoredCheckpoint(seq: try $0.get(0), head: try $0.get(1), signedAt: try $0.get(2), publicKey: try $0.get(3), signature: try $0.get(4))
        }
    }

    private static func postChainHead(_ post: String, _ db: SQLConnection) async throws -> PostChainHead {
        guard let row = try await db.one("SELECT seq, hash FROM post_record WHERE post = ? ORDER BY seq DESC LIMIT 1", [post]) else {
            return .empty
        }
        return PostChainHead(seq: try row.get(0), hash: try row.get(1))
    }
}
