import Crypto
import Foundation
import GRDB

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
}

extension VigilStore {
    /// Recomputes the chain and checks every checkpoint against `publicKey`
    /// (by default this database's own signing key: pass the exported key
    /// to check against a key the operator cannot have swapped).
    public func verifyAudit(publicKey: [UInt8]? = nil) async throws(StorageError) -> AuditVerification {
        let trustedBytes = publicKey ?? keys.publicKey
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: trustedBytes)) != nil else {
            throw .keyUnusable("the public key is not an Ed25519 key")
        }
        let trustedHex = Hex.encode(trustedBytes)
        return try await read { db in
            let trusted = try Curve25519.Signing.PublicKey(rawRepresentation: trustedBytes)
            let checkpoints = try Row.fetchAll(db, sql: "SELECT seq, head_hash, signed_at, public_key, signature FROM audit_checkpoint ORDER BY seq")
            var expected: Int64 = 1, prev = AuditChain.genesis
            var hashes: [Int64: String] = [:]
            let wanted = Set(try checkpoints.map { row -> Int64 in
                guard let seq = row[0] as Int64? else { throw StorageError.database("checkpoint without a sequence number") }
                return seq
            })
            func failure(_ seq: Int64, _ reason: String) -> AuditVerification {
                AuditVerification(records: expected - 1, checkpoints: checkpoints.count, ok: false, firstBadSeq: seq, reason: reason,
                                  publicKey: trustedHex)
            }
            let rows = try Row.fetchCursor(db, sql: "SELECT \(Self.auditColumns), probe_sealed FROM audit_record ORDER BY seq")
            while let row = try rows.next() {
                let record = Self.auditRecord(row)
                guard record.seq == expected else {
                    return failure(expected, record.seq > expected ? "record \(expected) is missing" : "record \(record.seq) is out of order")
                }
                guard record.prevHash == prev else { return failure(record.seq, "record \(record.seq) does not follow its predecessor") }
                guard AuditChain.hash(record) == record.hash else { return failure(record.seq, "record \(record.seq) was altered") }
                if let sealed = row[17] as Data?, TemplateDigest.hex(sealed) != record.sealedDigest {
                    return failure(record.seq, "the sealed probe of record \(record.seq) was altered")
                }
                if wanted.contains(record.seq) { hashes[record.seq] = record.hash }
                prev = record.hash
                expected += 1
            }
            let last = expected - 1
            var signedThrough: Int64 = 0
            for checkpoint in checkpoints {
                let seq: Int64 = checkpoint[0]
                let head: String = checkpoint[1], signedAt: String = checkpoint[2], key: String = checkpoint[3], signature: String = checkpoint[4]
                let message = AuditChain.checkpointMessage(seq: seq, head: head, signedAt: signedAt)
                guard key == trustedHex, let bytes = Hex.decode(signature),
                      trusted.isValidSignature(bytes, for: message) else {
                    return failure(seq, "checkpoint \(seq) is not signed by the trusted key")
                }
                guard seq <= last else { return failure(last + 1, "records \(last + 1)...\(seq) covered by a signed checkpoint are missing") }
                guard hashes[seq] == head else { return failure(seq, "checkpoint \(seq) does not match the chain") }
                signedThrough = max(signedThrough, seq)
            }
            var verified = AuditVerification(records: last, checkpoints: checkpoints.count, ok: true, firstBadSeq: nil, reason: nil,
                                             publicKey: trustedHex)
            verified.signedThrough = signedThrough
            return verified
        }
    }
}
