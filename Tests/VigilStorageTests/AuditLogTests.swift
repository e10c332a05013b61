import Foundation
import GRDB
import Testing
import VigilTestSupport
@testable import VigilStorage

/// A database with a dozen audit records and checkpoints at 5 and 10,
/// copied afresh for each tampering.
struct AuditFixture {
    let path: String
    let keys = KeyRing.ephemeral()

    static func make() async throws -> AuditFixture {
        let fixture = AuditFixture(path: temporaryDatabasePath("vigil-audit"))
        let store = try await fixture.open()
        try await store.seedCategories([WatchlistCategory(name: "wanted_other", description: "d", protective: false, matchThreshold: 0.9,
                                                          confirmations: 1, action: "check")])
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
        return fixture
    }

    func open() async throws -> VigilStore { try await VigilStore.open(path: path, keys: keys, checkpointEvery: 5) }

    /// A copy of the database with `tamper` applied to it directly in SQLite.
    func tampered(_ tamper: (Database) throws -> Void) async throws -> VigilStore {
        let copy = temporaryDatabasePath("vigil-audit-copy")
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: copy).deletingLastPathComponent(), withIntermediateDirectories: true)
        let source = try DatabaseQueue(path: path)
        let target = try DatabaseQueue(path: copy)
        try source.backup(to: target)
        try target.write(tamper)
        return try await VigilStore.open(path: copy, keys: keys, checkpointEvery: 5)
    }
}

@Suite("The audit log's hash chain and signed checkpoints")
struct AuditLogTests {
    @Test("every watchlist change and screening is one chained record; checkpoints are signed; the untouched log verifies")
    func intact() async throws {
        let fixture = try await AuditFixture.make()
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

    @Test("one changed byte in any field of a record is found at that record", arguments: columns)
    func changedByte(column: String) async throws {
        let fixture = try await AuditFixture.make()
        let store = try await fixture.tampered { db in
            switch column {
            case "watchlist_version": try db.execute(sql: "UPDATE audit_record SET watchlist_version = watchlist_version + 1 WHERE seq = 7")
            case "probe_sealed":
                try db.execute(sql: "UPDATE audit_record SET probe_sealed = CAST(zeroblob(1) AS BLOB) || substr(probe_sealed, 2) WHERE seq = 7")
            default:
                // Flip the last character, keeping the length.
                try db.execute(sql: """
                    UPDATE audit_record SET \(column) = substr(COALESCE(\(column), 'x'), 1, length(COALESCE(\(column), 'x')) - 1) ||
                      CASE WHEN substr(COALESCE(\(column), 'x'), -1) = 'a' THEN 'b' ELSE 'a' END WHERE seq = 7
                    """)
            }
        }
        let verification = try await store.verifyAudit()
        #expect(!verification.ok && verification.firstBadSeq == 7, "\(column): \(verification)")
    }

    @Test("a deleted record, an inserted one, two swapped, a truncated tail and forged checkpoints are all found")
    func structuralTampering() async throws {
        let fixture = try await AuditFixture.make()
        func check(_ what: String, expecting seq: Int64, _ tamper: @escaping (Database) throws -> Void) async throws {
            let verification = try await fixture.tampered(tamper).verifyAudit()
            #expect(!verification.ok && verification.firstBadSeq == seq, "\(what): \(verification)")
        }
        try await check("deleted", expecting: 7) { db in try db.execute(sql: "DELETE FROM audit_record WHERE seq = 7") }
        try await check("inserted", expecting: 7) { db in
            try db.execute(sql: "UPDATE audit_record SET seq = seq + 100 WHERE seq >= 7")
            try db.execute(sql: "UPDATE audit_record SET seq = seq - 99 WHERE seq >= 107")
            try db.execute(sql: """
                INSERT INTO audit_record SELECT 7, recorded_at, 'intruder', actor_role, post_id, action, subject, watchlist_version, outcome,
                  probe_digest, sealed_digest, probe_sealed, context, result, prev_hash, hash, request_id FROM audit_record WHERE seq = 6
                """)
        }
        try await check("swapped", expecting: 7) { db in
            try db.execute(sql: "UPDATE audit_record SET seq = 1000 WHERE seq = 7")
            try db.execute(sql: "UPDATE audit_record SET seq = 7 WHERE seq = 8")
            try db.execute(sql: "UPDATE audit_record SET seq = 8 WHERE seq = 1000")
        }
        try await check("truncated after a checkpoint", expecting: 9) { db in try db.execute(sql: "DELETE FROM audit_record WHERE seq >= 9") }
        try await check("checkpoint head changed", expecting: 10) { db in
            try db.execute(sql: "UPDATE audit_checkpoint SET head_hash = (SELECT hash FROM audit_record WHERE seq = 9) WHERE seq = 10")
        }
        let forger = KeyRing.ephemeral()
        try await check("checkpoint signed by another key", expecting: 10) { db in
            let head: String = try String.fetchOne(db, sql: "SELECT head_hash FROM audit_checkpoint WHERE seq = 10")!
            let signedAt: String = try String.fetchOne(db, sql: "SELECT signed_at FROM audit_checkpoint WHERE seq = 10")!
            let signature = try forger.signingKey.signature(for: AuditChain.checkpointMessage(seq: 10, head: head, signedAt: signedAt))
            try db.execute(sql: "UPDATE audit_checkpoint SET signature = ?, public_key = ? WHERE seq = 10",
                           arguments: [Hex.encode(signature), Hex.encode(forger.publicKey)])
        }
    }

    @Test("a rewritten tail with a recomputed chain is caught by the signed checkpoint it contradicts")
    func recomputedChain() async throws {
        let fixture = try await AuditFixture.make()
        let store = try await fixture.tampered { db in
            // Rewrite record 7 and re-hash it and every later record, as an intruder with database access could.
            try db.execute(sql: "UPDATE audit_record SET result = '{\"n\":99}' WHERE seq = 7")
            var prev = try String.fetchOne(db, sql: "SELECT hash FROM audit_record WHERE seq = 6")!
            for row in try Row.fetchAll(db, sql: "SELECT \(VigilStore.auditColumns) FROM audit_record WHERE seq >= 7 ORDER BY seq") {
                var record = VigilStore.auditRecord(row)
                record = AuditRecord(seq: record.seq, recordedAt: record.recordedAt, actorId: record.actorId, actorRole: record.actorRole,
                                     postId: record.postId, action: record.action, subject: record.subject, watchlistVersion: record.watchlistVersion,
                                     outcome: record.outcome, probeDigest: record.probeDigest, sealedDigest: record.sealedDigest,
                                     context: record.context, result: record.result, prevHash: prev, hash: "", probeKept: record.probeKept)
                record.hash = AuditChain.hash(record)
                try db.execute(sql: "UPDATE audit_record SET prev_hash = ?, hash = ? WHERE seq = ?", arguments: [prev, record.hash, record.seq])
                prev = record.hash
            }
        }
        let verification = try await store.verifyAudit()
        #expect(!verification.ok && verification.firstBadSeq == 10, "\(verification)")
    }

    @Test("retention erases the sealed probe of old no-hit screenings; the chain still verifies")
    func retention() async throws {
        let fixture = try await AuditFixture.make()
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
