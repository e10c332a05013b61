import Foundation
import GRDB
import VigilStorage

/// Headquarters' copy of its posts' audit chains.
extension SQLiteStore {
    public func registerNodeKey(post: String, publicKey: String, at date: Date) async throws(StorageError) {
        try await write { db in
            try db.execute(sql: """
                INSERT INTO post_node (post, public_key, registered_at) VALUES (?, ?, ?)
                ON CONFLICT(post) DO UPDATE SET public_key = excluded.public_key, registered_at = excluded.registered_at
                """, arguments: [post, publicKey, AuditChain.timestamp(date)])
        }
    }

    public func nodeKeys() async throws(StorageError) -> [String: String] {
        try await read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT post, public_key FROM post_node").map { ($0[0], $0[1]) }) { first, _ in first }
        }
    }

    public func postChainHead(post: String) async throws(StorageError) -> PostChainHead {
        try await read { db in try Self.postChainHead(post, db) }
    }

    public func appendPostRecords(post: String, after head: PostChainHead, records: [AuditRecord],
                                  checkpoints: [StoredCheckpoint]) async throws(StorageError) -> PostChainHead {
        try await write { db in
            guard try Self.postChainHead(post, db) == head else { throw StorageError.postChainMoved(post: post) }
            for record in records {
                try db.execute(sql: "INSERT INTO post_record (post, seq, hash, record) VALUES (?, ?, ?, ?)",
                               arguments: [post, record.seq, record.hash, try PostArchiveSchema.text(record)])
            }
            for checkpoint in checkpoints {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO post_checkpoint (post, seq, head_hash, signed_at, public_key, signature) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [post, checkpoint.seq, checkpoint.head, checkpoint.signedAt, checkpoint.publicKey, checkpoint.signature])
            }
            return records.last.map { PostChainHead(seq: $0.seq, hash: $0.hash) } ?? head
        }
    }

    public func postRecords(post: String, after seq: Int64, limit: Int) async throws(StorageError) -> [AuditRecord] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT record FROM post_record WHERE post = ? AND seq > ? ORDER BY seq LIMIT ?",
                                arguments: [post, seq, limit]).map(PostArchiveSchema.record)
        }
    }

    public func postCheckpoints(post: String) async throws(StorageError) -> [StoredCheckpoint] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, head_hash, signed_at, public_key, signature FROM post_checkpoint WHERE post = ? ORDER BY seq
                """, arguments: [post]).map { StoredCheckpoint(seq: $0[0], head: $0[1], signedAt: $0[2], publicKey: $0[3], signature: $0[4]) }
        }
    }

    public func checkpoints(after seq: Int64) async throws(StorageError) -> [StoredCheckpoint] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, head_hash, signed_at, public_key, signature FROM audit_checkpoint WHERE seq > ? ORDER BY seq
                """, arguments: [seq]).map { StoredCheckpoint(seq: $0[0], head: $0[1], signedAt: $0[2], publicKey: $0[3], signature: $0[4]) }
        }
    }

    private static func postChainHead(_ post: String, _ db: Database) throws -> PostChainHead {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM post_record WHERE post = ? ORDER BY seq DESC LIMIT 1",
                                         arguments: [post]) else { return .empty }
        return PostChainHead(seq: row[0], hash: row[1])
    }
}
