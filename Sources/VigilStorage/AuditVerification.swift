import Crypto
import Foundation

/// The outcome of `vigil audit verify`: the chain recomputed from the first
/// record, every checkpoint's signature checked, and the first sequence
/// number where something is wrong.
public struct AuditVerification: Sendable, Codable, Equatable {
    public let records: Int64
    public let checkpoints: Int
    public let ok: Bool
    public let firstBadSeq: Int64?
    public let reason: String?
    /// The public key checkpoints were checked against (hex).
    public let publicKey: String
    /// The last record a valid signed checkpoint covers (0: none). Records
    /// after it are chained but not yet attested by a signature.
    public var signedThrough: Int64 = 0
    /// At headquarters: each post's uploaded chain, verified against the
    /// key registered with its node token.
    public var posts: [PostChainVerification]? = nil
}

/// One post's uploaded chain, verified.
public struct PostChainVerification: Sendable, Codable, Equatable {
    public let post: String
    public let verification: AuditVerification

    public init(post: String, verification: AuditVerification) {
        self.post = post
        self.verification = verification
    }
}

/// A signed checkpoint as stored: the chain head at `seq`, signed.
public struct StoredCheckpoint: Sendable, Codable, Equatable {
    public let seq: Int64
    public let head: String
    public let signedAt: String
    public let publicKey: String
    public let signature: String

    package init(seq: Int64, head: String, signedAt: String, publicKey: String, signature: String) {
        self.seq = seq
        self.head = head
        self.signedAt = signedAt
        self.publicKey = publicKey
        self.signature = signature
    }
}

/// Recomputes the chain record by record (fed in `seq` order by a backend
/// that streams them) and then checks every checkpoint against the trusted
/// key: the same verdict whichever database holds the log.
package struct AuditChainVerifier {
    private let trusted: Curve25519.Signing.PublicKey
    private let trustedHex: String
    private let checkpoints: [StoredCheckpoint]
    private let wanted: Set<Int64>
    private var expected: Int64 = 1
    private var prev = AuditChain.genesis
    private var hashes: [Int64: String] = [:]

    /// The key checkpoints must be signed with, and the stored checkpoints.
    package init(publicKey: [UInt8], checkpoints: [StoredCheckpoint]) throws(StorageError) {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            throw .keyUnusable("the public key is not an Ed25519 key")
        }
        trusted = key
        trustedHex = Hex.encode(publicKey)
        self.checkpoints = checkpoints.sorted { $0.seq < $1.seq }
        wanted = Set(checkpoints.map(\.seq))
    }

    private func failure(_ seq: Int64, _ reason: String) -> AuditVerification {
        AuditVerification(records: expected - 1, checkpoints: checkpoints.count, ok: false, firstBadSeq: seq, reason: reason,
                          publicKey: trustedHex)
    }

    /// Checks the next record (and its sealed probe, if still kept); a
    /// failure ends verification.
    package mutating func check(_ record: AuditRecord, sealed: Data?) -> AuditVerification? {
        guard record.seq == expected else {
            return failure(expected, record.seq > expected ? "record \(expected) is missing" : "record \(record.seq) is out of order")
        }
        guard record.prevHash == prev else { return failure(record.seq, "record \(record.seq) does not follow its predecessor") }
        guard AuditChain.hash(record) == record.hash else { return failure(record.seq, "record \(record.seq) was altered") }
        if let sealed, TemplateDigest.hex(sealed) != record.sealedDigest {
            return failure(record.seq, "the sealed probe of record \(record.seq) was altered")
        }
        if wanted.contains(record.seq) { hashes[record.seq] = record.hash }
        prev = record.hash
        expected += 1
        return nil
    }

    /// The verdict once every record was checked.
    package func finish() -> AuditVerification {
        let last = expected - 1
        var signedThrough: Int64 = 0
        for checkpoint in checkpoints {
            let seq = checkpoint.seq
            let message = AuditChain.checkpointMessage(seq: seq, head: checkpoint.head, signedAt: checkpoint.signedAt)
            guard checkpoint.publicKey == trustedHex, let bytes = Hex.decode(checkpoint.signature),
                  trusted.isValidSignature(bytes, for: message) else {
                return failure(seq, "checkpoint \(seq) is not signed by the trusted key")
            }
            guard seq <= last else { return failure(last + 1, "records \(last + 1)...\(seq) covered by a signed checkpoint are missing") }
            guard hashes[seq] == checkpoint.head else { return failure(seq, "checkpoint \(seq) does not match the chain") }
            signedThrough = max(signedThrough, seq)
        }
        var verified = AuditVerification(records: last, checkpoints: checkpoints.count, ok: true, firstBadSeq: nil, reason: nil,
                                         publicKey: trustedHex)
        verified.signedThrough = signedThrough
        return verified
    }
}
