import Foundation
import VigilStorage

/// A batch of a post's audit records going up to headquarters, with the
/// post's signed checkpoints that cover them.
public struct RecordUpload: Codable, Sendable {
    public let records: [AuditRecord]
    public let checkpoints: [StoredCheckpoint]
}

/// Headquarters' answer: how far the post's chain is stored there.
public struct RecordAcknowledgement: Codable, Sendable, Equatable {
    public let post: String
    /// Every record up to this sequence number is stored at headquarters.
    public let acknowledgedThrough: Int64
    public let hash: String
}

/// Records up: a post's audit chain (its screenings, adjudications and
/// everything else it logged) copied to headquarters, checked there link by
/// link and against the post's own signing key.
extension ScreeningService {
    /// Records per upload: a few MB of JSON at most.
    public static let maxRecordsPerUpload = 500

    /// Registers the key a post's checkpoints are signed with (its `vigil
    /// audit public-key`), given with its node token.
    public func registerNodeKey(post: String, publicKey: [UInt8]) async throws(VigilError) {
        guard publicKey.count == 32 else { throw VigilError(.invalidField, "a node key is a 32-byte Ed25519 public key (64 hex digits)") }
        do {
            try await store.registerNodeKey(post: post, publicKey: Hex.encode(publicKey), at: configuration.clock())
            _ = try await store.audit(AuditDraft(action: "node.register", subject: post,
                                                 result: "{\"public_key\":\"\(Hex.encode(publicKey))\"}"))
        } catch {
            throw storageFailure(error, "node registration")
        }
    }

    /// Where `post`'s uploaded chain stands here.
    public func recordHead(post: String) async throws(VigilError) -> RecordAcknowledgement {
        do {
            let head = try await store.postChainHead(post: post)
            return RecordAcknowledgement(post: post, acknowledgedThrough: head.seq, hash: head.hash)
        } catch {
            throw storageFailure(error, "record head")
        }
    }

    /// Checks an upload against the stored head and the post's registered
    /// key, then stores it. Records already stored (a retried upload) are
    /// skipped; the first new record must follow the stored head. Refused
    /// with `chain_broken` naming the first record or checkpoint that fails.
    public func receiveRecords(post: String, _ upload: RecordUpload) async throws(VigilError) -> RecordAcknowledgement {
        guard upload.records.count <= Self.maxRecordsPerUpload, upload.checkpoints.count <= Self.maxRecordsPerUpload else {
            throw VigilError(.invalidField, "send at most \(Self.maxRecordsPerUpload) records and checkpoints per upload")
        }
        do {
            guard let keyHex = try await store.nodeKeys()[post], let key = Hex.decode(keyHex) else {
                throw VigilError(.forbidden, "no signing key is registered for post '\(post.prefix(64))': "
                    + "create its node token with --node-key (its 'vigil audit public-key')")
            }
            let head = try await store.postChainHead(post: post)
            let fresh = upload.records.filter { $0.seq > head.seq }.sorted { $0.seq < $1.seq }
            let through = try Self.checkChain(fresh, after: head)
            let hashes = Dictionary(fresh.map { ($0.seq, $0.hash) }) { first, _ in first }
            let checkpoints = upload.checkpoints.filter { $0.seq > head.seq && $0.seq <= through.seq }
            for checkpoint in checkpoints {
                let message = [UInt8](AuditChain.checkpointMessage(seq: checkpoint.seq, head: checkpoint.head, signedAt: checkpoint.signedAt))
                guard checkpoint.publicKey == keyHex, let signature = Hex.decode(checkpoint.signature),
                      KeyRing.verify(signature, of: message, publicKey: key) else {
                    throw VigilError(.chainBroken, "checkpoint \(checkpoint.seq) is not signed by the post's registered key")
                }
                guard hashes[checkpoint.seq] == checkpoint.head else {
                    throw VigilError(.chainBroken, "checkpoint \(checkpoint.seq) does not match record \(checkpoint.seq)")
                }
            }
            guard !fresh.isEmpty else { return RecordAcknowledgement(post: post, acknowledgedThrough: head.seq, hash: head.hash) }
            let stored = try await store.appendPostRecords(post: post, after: head, records: fresh, checkpoints: checkpoints)
            _ = try await store.audit(AuditDraft(action: "sync.records", subject: post,
                                                 result: "{\"from\":\(head.seq + 1),\"through\":\(stored.seq),\"checkpoints\":\(checkpoints.count)}"))
            return RecordAcknowledgement(post: post, acknowledgedThrough: stored.seq, hash: stored.hash)
        } catch let error as VigilError {
            throw error
        } catch let error as StorageError {
            throw storageFailure(error, "record upload")
        } catch {
            throw VigilError(.internalError, "the upload could not be stored")
        }
    }

    /// The end of `records` when each follows the one before, from `head`.
    private static func checkChain(_ records: [AuditRecord], after head: PostChainHead) throws(VigilError) -> PostChainHead {
        var previous = head
        for record in records {
            guard record.seq == previous.seq + 1 else { throw VigilError(.chainBroken, "record \(previous.seq + 1) is missing") }
            guard record.prevHash == previous.hash else { throw VigilError(.chainBroken, "record \(record.seq) does not follow record \(previous.seq)") }
            guard AuditChain.hash(record) == record.hash else { throw VigilError(.chainBroken, "record \(record.seq) was altered") }
            previous = PostChainHead(seq: record.seq, hash: record.hash)
        }
        return previous
    }

    /// Every post's uploaded chain, recomputed and checked against its registered key.
    func verifyPostChains() async throws(StorageError) -> [PostChainVerification] {
        var verified: [PostChainVerification] = []
        for (post, keyHex) in try await store.nodeKeys().sorted(by: { $0.key < $1.key }) {
            guard let key = Hex.decode(keyHex) else { continue }
            var verifier = try AuditChainVerifier(publicKey: key, checkpoints: try await store.postCheckpoints(post: post))
            var after: Int64 = 0
            var failure: AuditVerification?
            reading: while true {
                let records = try await store.postRecords(post: post, after: after, limit: 5_000)
                guard let last = records.last else { break }
                for record in records {
                    if let failed = verifier.check(record, sealed: nil) { failure = failed; break reading }
                }
                after = last.seq
            }
            verified.append(PostChainVerification(post: post, verification: failure ?? verifier.finish()))
        }
        return verified
    }

    /// What a post sends next: its own records after `seq` (at most
    /// `limit`) and its checkpoints that cover them.
    public func pendingRecords(after seq: Int64, limit: Int = maxRecordsPerUpload) async throws(VigilError) -> RecordUpload {
        do {
            let records = try await store.auditRecords(from: seq + 1, to: .max, actor: nil, action: nil, limit: limit)
            let last = records.last?.seq ?? seq
            let checkpoints = records.isEmpty ? [] : try await store.checkpoints(after: seq).filter { $0.seq <= last }
            return RecordUpload(records: records, checkpoints: checkpoints)
        } catch {
            throw storageFailure(error, "pending records")
        }
    }
}
