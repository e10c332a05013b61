import Foundation
import Testing
import VigilPostgres
import VigilSQLite
import VigilStores
import VigilTestSupport
@testable import VigilStorage

@Suite("vigil migrate: SQLite into PostgreSQL")
struct MigrationTests {
    @Test("every record, version, token and the audit chain arrive; the copy answers as the original did and carries on from it")
    func migrate() async throws {
        guard TestPostgres.enabled else { return }
        let path = temporaryDatabasePath("vigil-migrate")
        let keys = try KeyRing.load(besideDatabase: path)
        let source = try await SQLiteStore.open(path: path, keys: keys, checkpointEvery: 4)
        try await source.seedCategories([WatchlistCategory(name: "wanted_other", description: "d", protective: false, matchThreshold: 0.9,
                                                           confirmations: 1, action: "check"),
                                         WatchlistCategory(name: "missing_person", description: "m", protective: true, matchThreshold: 0.8,
                                                           targetFpir: 0.01, confirmations: 2, action: "protect")])
        let face = { (n: Int) in NewFaceTemplate(vector: (0..<128).map { Float(($0 * n) % 11) / 11 }, quantized: [UInt8(n), 1, 2, 3],
                                                  model: "test-model", sourceImage: [0xFF, 0xD8, UInt8(n)]) }
        let entries = try await source.enroll((1...5).map { n in
            NewEntry(details: EntryDetails(name: "Person \(n)", category: n == 3 ? "missing_person" : "wanted_other", externalRef: "X-\(n)"),
                     faces: [face(n)], fingers: n == 2 ? [NewFingerTemplate(position: 2, record: [1, 2, 3], cylinders: [4, 5], indexKeys: [6, 7])] : [])
        })
        _ = try await source.remove(id: entries[4].entry.id)
        let post = try await source.issueToken(name: "torkham", role: "post")
        let screening = ScreeningRecord(id: UUID(), recordedAt: Date(), watchlistVersion: 6, decision: "review_required", faceCount: 1,
                                        resultJSON: "{}")
        try await AuditActor.$current.withValue(AuditActor(id: post.token.id, role: "post", post: "torkham")) {
            try await source.record(screening, audit: AuditDraft(action: "screening", subject: screening.id.uuidString,
                                                                 outcome: "review_required", probe: [9, 9, 9], result: "{}"))
            _ = try await source.adjudicate(screening: screening.id, Adjudication(entryId: entries[0].entry.id, officerId: "o-1",
                                                                                  outcome: "confirmed", postToken: post.token.id,
                                                                                  recordedAt: Date())) { _ in "{}" }
        }
        await source.close()

        let url = try TestPostgres.freshDatabase()
        let keyPath = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("central").path
        let report = try await StoreMigration.run(from: path, to: url, keyPath: keyPath)
        #expect(report.auditVerified && report.watchlistVersion == 6 && report.rows["face_template"] == 4)

        let original = try await SQLiteStore.open(path: path, keys: keys)
        let copy = try await PostgresStore.open(url: url, keys: try KeyRing.load(besideDatabase: keyPath), deadline: TestPostgres.deadline)
        #expect(try await copy.counts() == original.counts())
        #expect(try await copy.events(from: 1, limit: 100) == original.events(from: 1, limit: 100))
        #expect(try await copy.categories() == original.categories())
        let (before, after) = (try await original.loadWatchlist(), try await copy.loadWatchlist())
        #expect(after.faceTemplates == before.faceTemplates && after.fingerTemplates == before.fingerTemplates && after.version == before.version)
        #expect(after.fingerTemplates.map(\.indexKeys) == [[6, 7]])
        let ids = before.faceTemplates.map(\.id)
        #expect(try await copy.candidateDetails(templateIDs: ids).vectors == original.candidateDetails(templateIDs: ids).vectors)
        #expect(try await copy.faceReferencePhoto(entry: entries[1].entry.id) == [0xFF, 0xD8, 2])
        #expect(try await copy.entries(matching: EntryQuery(limit: 10)).entries.map(\.entry) == original.entries(matching: EntryQuery(limit: 10)).entries.map(\.entry))
        #expect(try await copy.authenticate(post.secret)?.id == post.token.id)
        #expect(try await copy.screening(id: screening.id)?.adjudications.count == 1)
        #expect(try await copy.probe(ofRecord: try #require(try await copy.auditRecords(from: 1, to: .max, actor: nil, action: "screening", limit: 5).first).seq) == [9, 9, 9])
        #expect(try await copy.verifyAudit(publicKey: original.auditPublicKey).ok)

        // It carries on: the next change takes the next version and extends the same chain.
        let next = try await copy.enroll([NewEntry(details: EntryDetails(name: "After", category: "wanted_other", externalRef: "X-1b"), faces: [face(7)])])[0]
        #expect(next.version == 7 && next.entry.key > entries[4].entry.key)
        await #expect(throws: StorageError.duplicateReference("X-1", existing: entries[0].entry.id)) {
            _ = try await copy.enroll([NewEntry(details: EntryDetails(name: "Again", category: "wanted_other", externalRef: "X-1"), faces: [face(8)])])
        }
        let verification = try await copy.verifyAudit(publicKey: original.auditPublicKey)
        #expect(verification.ok && verification.records == report.auditRecords + 1, "\(verification)")

        // A second migration into a database that holds data is refused.
        await #expect(throws: StorageError.self) { _ = try await StoreMigration.run(from: path, to: url, keyPath: keyPath) }
        await copy.close()
    }
}
