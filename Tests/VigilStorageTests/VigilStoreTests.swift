import Synchronization
import Foundation
import GRDB
import Testing
import VigilTestSupport
@testable import VigilSQLite
@testable import VigilStorage

@Suite("SQLite store")
struct VigilStoreTests {
    let vector: [Float] = (0..<128).map { Float($0) / 128 }

    func face(_ v: [Float]) -> NewFaceTemplate { NewFaceTemplate(vector: v, quantized: [1, 2, 3, UInt8(v.count % 256)], model: "test-model") }

    @Test("runs in WAL mode with the schema migrated")
    func walMode() async throws {
        let store = try await openStore()
        #expect(try await store.journalMode() == "wal")
        #expect(try await store.counts() == StoreCounts(entries: 0, faceTemplates: 0, fingerTemplates: 0, events: 0, screenings: 0))
        #expect(try await store.watchlistVersion() == 0)
    }

    @Test("an enrolment writes entry, templates and event together, with increasing versions")
    func enrolment() async throws {
        let path = temporaryDatabasePath(), keys = KeyRing.ephemeral()
        let store = try await openStore(path, keys: keys)
        let first = try await store.enroll([NewEntry(name: "A", category: "wanted_other", faces: [face(vector), face(vector.reversed())])])[0]
        let second = try await store.enroll([NewEntry(name: "B", category: "missing_person", faces: [face(vector)])])[0]
        #expect(first.version == 1 && second.version == 2)
        #expect(try await store.counts() == StoreCounts(entries: 2, faceTemplates: 3, fingerTemplates: 0, events: 2, screenings: 0))

        // A fresh open reads back exactly what was written.
        let reopened = try await openStore(path, keys: keys)
        let contents = try await reopened.loadWatchlist()
        #expect(contents.version == 2)
        #expect(contents.entryCount == 2)
        #expect(contents.faceTemplates.map(\.quantized) == [[1, 2, 3, 128], [1, 2, 3, 128], [1, 2, 3, 128]])
        #expect(contents.faceTemplates.map(\.entryKey) == [first.entry.key, first.entry.key, second.entry.key])
        let ids = contents.faceTemplates.map(\.id)
        let details = try await reopened.candidateDetails(templateIDs: ids + [9_999])
        #expect(details.vectors.count == 3)
        #expect(details.vectors[ids[1]] == vector.reversed())
        #expect(details.entries[first.entry.key] == first.entry)
        #expect(details.entries[second.entry.key]?.name == "B")
    }

    @Test("the after-commit hook sees entries in version order")
    func afterCommitOrder() async throws {
        let store = try await openStore()
        final class VersionLog: Sendable { let versions = Mutex<[Int64]>([]) }
        let seen = VersionLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<8 {
                group.addTask {
                    _ = try await store.enroll([NewEntry(name: "P\(n)", category: "wanted_other", faces: [self.face(self.vector)])]) { change in
                        seen.versions.withLock { $0.append(change.version) }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(seen.versions.withLock { $0 } == Array(1...8))
    }

    @Test("a batch is one transaction with one version per entry")
    func batch() async throws {
        let store = try await openStore()
        let batch = (0..<5).map { NewEntry(name: "E\($0)", category: "wanted_other", faces: [face(vector)]) }
        let enrolled = try await store.enroll(batch)
        #expect(enrolled.map(\.version) == [1, 2, 3, 4, 5])
        #expect(try await store.counts() == StoreCounts(entries: 5, faceTemplates: 5, fingerTemplates: 0, events: 5, screenings: 0))
    }

    @Test("foreign keys are enforced")
    func foreignKeys() async throws {
        let path = temporaryDatabasePath()
        _ = try SQLiteStore(path: path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        #expect(throws: (any Error).self) {
            try queue.write { db in
                try db.execute(sql: "INSERT INTO face_template (entry_key, vector) VALUES (999, x'00')")
            }
        }
    }

    @Test("a screening record is stored")
    func screeningRecord() async throws {
        let store = try await openStore()
        try await store.record(ScreeningRecord(id: UUID(), recordedAt: Date(), watchlistVersion: 0, decision: "no_hit",
                                               faceCount: 1, resultJSON: "{}"))
        #expect(try await store.counts().screenings == 1)
    }

    @Test("vector blobs round-trip bit for bit and reject ragged data")
    func blobs() {
        let values: [Float] = [0, -0, 1, -1, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.1]
        #expect(VectorBlob.decode(VectorBlob.encode(values))?.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(VectorBlob.decode(Data([1, 2, 3])) == nil)
    }
}

/// A store on a fresh (or given) database with the categories the tests use.
func openStore(_ path: String = temporaryDatabasePath(), keys: KeyRing = .ephemeral()) async throws -> SQLiteStore {
    let store = try await SQLiteStore.open(path: path, keys: keys)
    try await store.seedCategories(["wanted_other", "missing_person", "refuse_entry"].map {
        WatchlistCategory(name: $0, description: $0, protective: $0 == "missing_person", matchThreshold: 0.9, confirmations: 1, action: "check")
    })
    return store
}
