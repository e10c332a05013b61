import Crypto
import Foundation

/// One record of the audit log as stored. Everything but the sealed probe
/// is covered by `hash`; the sealed probe is covered through `sealedDigest`,
/// so retention can erase it and the chain still verifies.
public struct AuditRecord: Sendable, Codable, Equatable {
    public let seq: Int64
    /// ISO 8601 UTC with milliseconds, exactly as hashed.
    public let recordedAt: String
    public let actorId: String
    public let actorRole: String
    public let postId: String?
    public let action: String
    public let subject: String?
    public let watchlistVersion: Int64
    public let outcome: String?
    public let probeDigest: String?
    public let sealedDigest: String?
    /// JSON text.
    public let context: String
    /// JSON text.
    public let result: String
    public let prevHash: String
    public var hash: String
    /// Whether the sealed probe is still kept (not part of the hash).
    public var probeKept: Bool
    /// The HTTP request that wrote it (schema v12); nil for records written
    /// before, or outside a request (CLI, retention).
    public var requestId: String? = nil

    // Package-wide: the storage backends are other modules.
    package init(seq: Int64, recordedAt: String, actorId: String, actorRole: String, postId: String?, action: String, subject: String?, watchlistVersion: Int64, outcome: String?, probeDigest: String?, sealedDigest: String?, context: String, result: String, prevHash: String, hash: String, probeKept: Bool, requestId: String? = nil) {
        self.seq = seq
        self.recordedAt = recordedAt
        self.actorId = actorId
        self.actorRole = actorRole
        self.postId = postId
        self.action = action
        self.subject = subject
        self.watchlistVersion = watchlistVersion
        self.outcome = outcome
        self.probeDigest = probeDigest
        self.sealedDigest = sealedDigest
        self.context = context
        self.result = result
        self.prevHash = prevHash
        self.hash = hash
        self.probeKept = probeKept
        self.requestId = requestId
    }
}

/// The hash chain: canonical bytes are every hashed field, in a fixed
/// order, each as `name:length:value\n` (no JSON re-encoding ambiguity).
package enum AuditChain {
    package static let genesis = String(repeating: "0", count: 64)

    package static func canonical(_ r: AuditRecord) -> Data {
        var out = Data("vigil-audit-v1\n".utf8)
        func field(_ name: String, _ value: String?) {
            let bytes = Data((value ?? "").utf8)
            out.append(Data("\(name):\(value == nil ? -1 : bytes.count):".utf8))
            out.append(bytes)
            out.append(0x0A)
        }
        field("seq", String(r.seq))
        field("recorded_at", r.recordedAt)
        field("actor_id", r.actorId)
        field("actor_role", r.actorRole)
        field("post_id", r.postId)
        field("action", r.action)
        field("subject", r.subject)
        field("watchlist_version", String(r.watchlistVersion))
        field("outcome", r.outcome)
        field("probe_digest", r.probeDigest)
        field("sealed_digest", r.sealedDigest)
        field("context", r.context)
        field("result", r.result)
        field("prev_hash", r.prevHash)
        // Hashed only when present, so records from before v12 verify unchanged.
        if let requestId = r.requestId { field("request_id", requestId) }
        return out
    }

    package static func hash(_ r: AuditRecord) -> String { TemplateDigest.hex(canonical(r)) }

    /// What a checkpoint signs.
    package static func checkpointMessage(seq: Int64, head: String, signedAt: String) -> Data {
        Data("vigil-audit-checkpoint-v1\n\(seq)\n\(head)\n\(signedAt)\n".utf8)
    }

    /// A `timestamp` read back.
    package static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    package static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// What an action contributes to its audit record; the store adds the
/// sequence number, time, actor, version and chain.
public struct AuditDraft: Sendable {
    public var action: String
    public var subject: String?
    public var outcome: String?
    /// The probe template in the clear: the store keeps its digest and seals it.
    public var probe: [UInt8]?
    public var context: String
    public var result: String

    public init(action: String, subject: String? = nil, outcome: String? = nil, probe: [UInt8]? = nil, context: String = "{}", result: String) {
        self.action = action
        self.subject = subject
        self.outcome = outcome
        self.probe = probe
        self.context = context
        self.result = result
    }
}

extension AuditChain {
    /// The record that follows `prev` at `seq`, hashed, with the draft's
    /// probe sealed under a context naming its place in the chain (so a
    /// sealed probe moved to another record does not open).
    package static func record(_ draft: AuditDraft, seq: Int64, prev: String, actor: AuditActor, at date: Date,
                               watchlistVersion: Int64, keys: KeyRing) throws(StorageError) -> (record: AuditRecord, sealed: Data?) {
        var sealed: Data?
        var probeDigest: String?
        if let probe = draft.probe {
            let digest = TemplateDigest.hex(probe)
            probeDigest = digest
            sealed = try keys.seal(probe, context: "audit:\(seq):\(digest)")
        }
        var record = AuditRecord(seq: seq, recordedAt: timestamp(date), actorId: actor.id, actorRole: actor.role,
                                 postId: actor.post, action: draft.action, subject: draft.subject, watchlistVersion: watchlistVersion,
                                 outcome: draft.outcome, probeDigest: probeDigest, sealedDigest: sealed.map(TemplateDigest.hex),
                                 context: draft.context, result: draft.result, prevHash: prev, hash: "", probeKept: sealed != nil,
                                 requestId: actor.requestID)
        record.hash = hash(record)
        return (record, sealed)
    }

    /// A checkpoint of the head at `seq`, signed now.
    package static func checkpoint(seq: Int64, head: String, at date: Date, keys: KeyRing) throws -> StoredCheckpoint {
        let signedAt = timestamp(date)
        let signature = try keys.signingKey.signature(for: checkpointMessage(seq: seq, head: head, signedAt: signedAt))
        return StoredCheckpoint(seq: seq, head: head, signedAt: signedAt, publicKey: Hex.encode(keys.publicKey),
                                signature: Hex.encode(signature))
    }

    /// Opens a record's sealed probe and checks it against its digest.
    package static func openProbe(_ sealed: Data, digest: String, seq: Int64, keys: KeyRing) throws(StorageError) -> [UInt8] {
        let probe = try keys.open(sealed, context: "audit:\(seq):\(digest)")
        guard TemplateDigest.hex(probe) == digest else { throw .keyUnusable("probe of record \(seq) does not match its digest") }
        return probe
    }
}
