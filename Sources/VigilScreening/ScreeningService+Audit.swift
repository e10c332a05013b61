import Foundation
import VigilStorage

/// The auditor's view: records, chain verification, checkpoints, replay.
/// Auditors' own actions are logged too.
extension ScreeningService {
    /// The Ed25519 key that verifies this database's checkpoints (32 bytes).
    public var auditPublicKey: [UInt8] { store.auditPublicKey }

    public func auditRecords(from: Int64, to: Int64, actor: String?, action: String?, limit: Int) async throws(VigilError) -> [AuditRecord] {
        guard from >= 1, to >= from, (1...Self.maxPageSize).contains(limit) else {
            throw VigilError(.invalidField, "from must be at least 1, to at least from, limit 1 to \(Self.maxPageSize)")
        }
        do { return try await store.auditRecords(from: from, to: to, actor: actor, action: action, limit: limit) } catch {
            throw storageFailure(error, "audit records")
        }
    }

    /// Verifies the chain against `publicKey` (default: this database's own key).
    public func verifyAudit(publicKey: [UInt8]? = nil) async throws(VigilError) -> AuditVerification {
        do {
            var verification = try await store.verifyAudit(publicKey: publicKey)
            let posts = try await verifyPostChains()
            if !posts.isEmpty { verification.posts = posts }
            let failedPosts = posts.filter { !$0.verification.ok }.map(\.post)
            let summary = "{\"ok\":\(verification.ok),\"records\":\(verification.records),\"first_bad_seq\":\(verification.firstBadSeq.map(String.init) ?? "null"),\"posts\":\(posts.count),\"posts_failed\":\(failedPosts.count)}"
            _ = try await store.audit(AuditDraft(action: AuditAction.verify, outcome: verification.ok && failedPosts.isEmpty ? "ok" : "failed", result: summary))
            return verification
        } catch .keyUnusable(let reason) {
            throw VigilError(.invalidField, reason)
        } catch {
            throw storageFailure(error, "audit verification")
        }
    }

    /// Replays the screenings recorded in `from...to` (see `replayRecords`) and logs that it did.
    public func replay(from: Int64 = 1, to: Int64 = .max) async throws(VigilError) -> ReplayReport {
        guard from >= 1, to >= from else { throw VigilError(.invalidField, "from must be at least 1 and to at least from") }
        let report = try await replayRecords(from: from, to: to)
        let summary = "{\"screenings\":\(report.screenings),\"verifications\":\(report.verifications),\"agreed\":\(report.agreed),"
            + "\"divergences\":\(report.divergences.count)}"
        do {
            _ = try await store.audit(AuditDraft(action: AuditAction.replay, subject: "\(from)...\(to == .max ? "" : String(to))",
                                                 outcome: report.divergences.isEmpty ? "agreed" : "diverged", result: summary))
        } catch {
            throw storageFailure(error, "replay")
        }
        return report
    }

    /// Signs the chain head if it moved (the daemon calls this every few minutes).
    /// Audit records so far, and the age of the last signed checkpoint (nil: none yet).
    public func auditStatus() async throws(VigilError) -> (records: Int, checkpointAge: TimeInterval?) {
        do {
            let status = try await store.auditStatus()
            return (status.records, status.lastCheckpointAt.map { configuration.clock().timeIntervalSince($0) })
        } catch {
            throw storageFailure(error, "audit status")
        }
    }

    public func checkpointAudit() async throws(VigilError) {
        do { try await store.checkpoint(at: configuration.clock()) } catch { throw storageFailure(error, "checkpoint") }
    }
}
