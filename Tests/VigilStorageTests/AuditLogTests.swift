import Foundation
import Testing
import VigilTestSupport
@testable import VigilStorage

/// A database with a dozen audit records and checkpoints at 5 and 10, on
/// one backend; each tampering works on a copy.
struct AuditFixture {
    let backend: Backend
    let location: String
    let keys: KeyRing

    static func make(_ backend: Backend) async throws -> AuditFixture {
        let keys = KeyRing.ephemeral()
        let (store, location) = try await backend.fresh(keys: keys, checkpointEvery: 5)
        let actor = AuditActor(id: "token-7", role: "post", post: "BORDER-1")
        try await AuditActor.$current.withValue(actor) {
            for n in 0..<4 {
                let face = NewFaceTemplate(vector: (0..<128).map { Float(($0 + n) % 7) }, quantized: [1], model: "test-model")
                _ = try await store.enroll([NewEntry(name: "P\(n)", category: "wanted_other", faces: [face])])
            }
            for n in 0..<8 {
                let screening = ScreeningRecord(id: UUID(), recordedAt: Date(), watchlistVersion: 4, decision: n % 2 == 0 ? "no_hit" : "review_required",
                                                faceCount: 1, resultJSON: "{\"n\":\(n)}")
                try await store.record(screening, audit: AuditDraft(action: "screening", subject: screening.id.uuidString, outcome: screening.decision,
                                                                     probe: Array("probe \(n)".utf8), context: "{\"t\":0.9}", result: screening.resultJSON))
            }
        }
        _ = try await store.checkpoint()
        await store.close()
        return AuditFixture(backend: backend, location: location, keys: keys)
    }

    func open() async throws -> any VigilStore { try await backend.open(location, keys: keys, checkpointEvery: 5) }

    /// A copy of the database with SQL applied to it directly, past Vigil.
    func tampered(_ statements: [String]) async throws -> any VigilStore {
        try await tampered { _ in statements }
    }

    /// The same on a copy, with access to it before the SQL is chosen.
    func tampered(_ statements: (RawDatabase) throws -> [String]) async throws -> any VigilStore {
        let copy = try backend.copy(location)
        let raw = backend.raw(copy)
        for statement in try statements(raw) { try raw.execute(statement) }
        return try await backend.open(copy, keys: keys, checkpointEvery: 5)
    }

    /// SQL for the last character of a text column flipped ('a' <-> 'b'), keeping its length.
    static func flipLastCharacter(_ column: String) -> String {
        let value = "COALESCE(\(column), 'x')"
        return """
            UPDATE audit_record SET \(column) = substr(\(value), 1, length(\(value)) - 1) ||
              CASE WHEN substr(\(value), length(\(value)), 1) = 'a' THEN 'b' ELSE 'a' END WHERE seq = 7
            """
    }
}

@Suite("The audit log's hash chain and signed checkpoints, on every backend")
struct AuditLogTests {
    @Test("every watchlist change and screening is one chained record; checkpoints are signed; the untouched log verifies",
          arguments: Backend.available)
    func intact(backend: Backend) async throws {
        let fixture = try await AuditFixture.make(backend)
        let store = try await fixture.open()
        let records = try await store.auditRecords(limit: 100)
        #expect(records.map(\.seq) == Array(1...12))
        #expect(records.prefix(4).allSatisfy { $0.action == "watchlist.add" && $0.actorId == "token-7" && $0.postId == "BORDER-1" })
        #expect(records[4].probeKept && records[4].probeDigest == TemplateDigest.hex(Array("probe 0".utf8)))
        #expect(try await store.probe(ofRecord: 5) == Array("probe 0".utf8))
        let verification = try await store.verifyAudit()
        #expect(verification.ok && verification.records == 12 && verification.checkpoints == 3)
        // The exported key verifies; another key does not.
        #expect(try await store.verifyAudit(publicKey: store.auditPublicKey).ok)
        let stranger = try await store.verifyAudit(publicKey: KeyRing.ephemeral().publicKey)
        #expect(!stranger.ok && stranger.firstBadSeq == 5)
    }

    static let columns = ["recorded_at", "actor_id", "actor_role", "post_id", "action", "subject", "watchlist_version", "outcome",
                          "probe_digest", "sealed_digest", "probe_sealed", "context", "result", "prev_hash", "hash", "request_id"]

    @Test("one changed byte in any field of a record is found at that record", arguments: Backend.available, columns)
    func changedByte(backend: Backend, column: String) async throws {
        let fixture = try await AuditFixture.make(backend)
        let zeroByte = backend == .sqlite ? "CAST(zeroblob(1) AS BLOB) || substr(probe_sealed, 2)" : "'\\x00'::bytea || substring(probe_sealed from 2)"
        let statement = switch column {
        case "watchlist_version": "UPDATE audit_record SET watchlist_version = watchlist_version + 1 WHERE seq = 7"
        case "probe_sealed": "UPDATE audit_record SET probe_sealed = \(zeroByte) WHERE seq = 7"
        default: AuditFixture.flipLastCharacter(column)
        }
        let store = try await fixture.tampered([statement])
        let verification = try await store.verifyAudit()
        #expect(!verification.ok && verification.firstBadSeq == 7, "\(column): \(verification)")
    }

    @Test("a deleted record, an inserted one, two swapped, a truncated tail and forged checkpoints are all found", arguments: Backend.available)
    func structuralTampering(backend: Backend) async throws {
        let fixture = try await AuditFixture.make(backend)
        func check(_ what: String, expecting seq: Int64, _ tamper: (RawDatabase) throws -> [String]) async throws {
            let verification = try await fixture.tampered(tamper).verifyAudit()
            #expect(!verification.ok && verification.firstBadSeq == seq, "\(what): \(verification)")
        }
        try await check("deleted", expecting: 7) { _ in ["DELETE FROM audit_record WHERE seq = 7"] }
        try await check("inserted", expecting: 7) { _ in [
            "UPDATE audit_record SET seq = seq + 100 WHERE seq >= 7",
            "UPDATE audit_record SET seq = seq - 99 WHERE seq >= 107",
            """
            INSERT INTO audit_record SELECT 7, recorded_at, 'intruder', actor_role, post_id, action, subject, watchlist_version, outcome,
              probe_digest, sealed_digest, probe_sealed, context, result, prev_hash, hash, request_id FROM audit_record WHERE seq = 6
            """,
        ] }
        try await check("swapped", expecting: 7) { _ in [
            "UPDATE audit_record SET seq = 1000 WHERE seq = 7",
            "UPDATE audit_record SET seq = 7 WHERE seq = 8",
            "UPDATE audit_record SET seq = 8 WHERE seq = 1000",
        ] }
        try await check("truncated after a checkpoint", expecting: 9) { _ in ["DELETE FROM audit_record WHERE seq >= 9"] }
        try await check("checkpoint head changed", expecting: 10) { _ in
            ["UPDATE audit_checkpoint SET head_hash = (SELECT hash FROM audit_record WHERE seq = 9) WHERE seq = 10"]
        }
        let forger = KeyRing.ephemeral()
        try await check("checkpoint signed by another key", expecting: 10) { raw in
            let head = try #require(try raw.text("SELECT head_hash FROM audit_checkpoint WHERE seq = 10"))
            let signedAt = try #require(try raw.text("SELECT signed_at FROM audit_checkpoint WHERE seq = 10"))
            let signature = try forger.signingKey.signature(for: AuditChain.checkpointMessage(seq: 10, head: head, signedAt: signedAt))
            return ["UPDATE audit_checkpoint SET signature = '\(Hex.encode(signature))', public_key = '\(Hex.encode(forger.publicKey))' WHERE seq = 10"]
        }
    }

    @Test("a rewritten tail with a recomputed chain is caught by the signed checkpoint it contradicts", arguments: Backend.available)
    func recomputedChain(backend: Backend) async throws {
        let fixture = try await AuditFixture.make(backend)
        let original = try await fixture.open()
        let tail = try await original.auditRecords(from: 6, limit: 100)
        await original.close()
        let store = try await fixture.tampered { _ in
            // Rewrite record 7 and re-hash it and every later record, as an intruder with database access could.
            var statements = ["UPDATE audit_record SET result = '{\"n\":99}' WHERE seq = 7"]
            var prev = tail[0].hash
            for stored in tail.dropFirst() {
                var record = AuditRecord(seq: stored.seq, recordedAt: stored.recordedAt, actorId: stored.actorId, actorRole: stored.actorRole,
                                         postId: stored.postId, action: stored.action, subject: stored.subject,
                                         watchlistVersion: stored.watchlistVersion, outcome: stored.outcome, probeDigest: stored.probeDigest,
                                         sealedDigest: stored.sealedDigest, context: stored.context,
                                         result: stored.seq == 7 ? "{\"n\":99}" : stored.result, prevHash: prev, hash: "",
                                         probeKept: stored.probeKept)
                record.hash = AuditChain.hash(record)
                statements.append("UPDATE audit_record SET prev_hash = '\(prev)', hash = '\(record.hash)' WHERE seq = \(record.seq)")
                prev = record.hash
            }
            return statements
        }
        let verification = try await store.verifyAudit()
        #expect(!verification.ok && verification.firstBadSeq == 10, "\(verification)")
    }

    @Test("retention erases the sealed probe of old no-hit screenings; the chain still verifies", arguments: Backend.available)
    func retention(backend: Backend) async throws {
        let fixture = try await AuditFixture.make(backend)
        let store = try await fixture.open()
        #expect(try await store.eraseProbes(ofNoHitScreeningsBefore: Date().addingTimeInterval(60)) == 4)
        let records = try await store.auditRecords(limit: 100).filter { $0.action == "screening" }
        #expect(records.filter { !$0.probeKept }.map(\.outcome) == Array(repeating: "no_hit", count: 4))
        #expect(records.allSatisfy { $0.probeDigest != nil && $0.sealedDigest != nil })
        #expect(try await store.probe(ofRecord: 5) == nil)
        #expect(try await store.probe(ofRecord: 6) == Array("probe 1".utf8))
        #expect(try await store.verifyAudit().ok)
    }
}
