import Foundation

/// Where an uploaded chain stands at headquarters: its last record.
public struct PostChainHead: Sendable, Equatable, Codable {
    public let seq: Int64
    public let hash: String

    public static let empty = PostChainHead(seq: 0, hash: AuditChain.genesis)

    public init(seq: Int64, hash: String) {
        self.seq = seq
        self.hash = hash
    }
}

/// Headquarters' copy of every post's audit chain. A post's records are
/// stored as it signed them (each the JSON of its `AuditRecord`), appended
/// only in order after the stored head, so one upload retried, or two
/// racing, store each record once.
public protocol PostArchive: Sendable {
    /// Registers (or replaces) the key a post's checkpoints must verify with.
    func registerNodeKey(post: String, publicKey: String, at date: Date) async throws(StorageError)
    /// Every post with a registered key, with it (hex).
    func nodeKeys() async throws(StorageError) -> [String: String]
    func postChainHead(post: String) async throws(StorageError) -> PostChainHead
    /// Appends records (already verified to follow `head`) and checkpoints
    /// in one transaction; refused with `postChainMoved` when the stored
    /// head is no longer `head` (another upload got there first).
    func appendPostRecords(post: String, after head: PostChainHead, records: [AuditRecord],
                           checkpoints: [StoredCheckpoint]) async throws(StorageError) -> PostChainHead
    func postRecords(post: String, after seq: Int64, limit: Int) async throws(StorageError) -> [AuditRecord]
    func postCheckpoints(post: String) async throws(StorageError) -> [StoredCheckpoint]
}

/// The archive's tables, the same in both backends.
package enum PostArchiveSchema {
    package static let statements: [String] = {
        [
            "CREATE TABLE post_node (post TEXT PRIMARY KEY, public_key TEXT NOT NULL, registered_at TEXT NOT NULL)",
            """
            CREATE TABLE post_record (post TEXT NOT NULL, seq BIGINT NOT NULL, hash TEXT NOT NULL, record TEXT NOT NULL,
              PRIMARY KEY (post, seq))
            """,
            """
            CREATE TABLE post_checkpoint (post TEXT NOT NULL, seq BIGINT NOT NULL, head_hash TEXT NOT NULL, signed_at TEXT NOT NULL,
              public_key TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (post, seq))
            """,
        ]
    }()

    /// A record as stored: its JSON, which decodes to exactly what was hashed.
    package static func text(_ record: AuditRecord) throws -> String { try StorageJSON.text(record) }
    package static func record(_ text: String) throws -> AuditRecord {
        guard let record: AuditRecord = try StorageJSON.value(text) else { throw StorageError.database("an archived post record is empty") }
        return record
    }
}
