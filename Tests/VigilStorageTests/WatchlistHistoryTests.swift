import Foundation
import GRDB
import Testing
import VigilTestSupport
@testable import VigilSQLite
@testable import VigilStorage

@Suite("Watchlist changes as versioned events, on every backend")
struct WatchlistHistoryTests {
    func face(_ seed: Float) -> NewFaceTemplate {
        NewFaceTemplate(vector: (0..<128).map { sin(Float($0) * seed) }, quantized: [UInt8(seed * 10), 1, 2], model: "test-model")
    }

    func finger() -> NewFingerTemplate { NewFingerTemplate(position: 2, record: [70, 77, 82, 0, 9], cylinders: [1, 2, 3]) }

    @Test("every change is an event with the next version, in the same transaction as the change", arguments: Backend.available)
    func everyChangeIsAnEvent(backend: Backend) async throws {
        let (store, location) = try await backend.fresh()
        var details = EntryDetails(name: "A", category: "wanted_other", aliases: ["Alpha"], nationality: "NGA",
                                   documents: [IdentityDocument(type: "passport", number: "X1", issuingCountry: "NGA")], externalRef: "R1")
        let added = try await store.enroll([NewEntry(details: details, faces: [face(1)], fingers: [finger()])])[0]
        let id = added.entry.id
        #expect(added.version == 1)

        let updated = try await store.update(id: id) { old in
            var new = old
            new.category = "refuse_entry"
            new.legalBasis = "Order 7/2026"
            return new
        }
        #expect(updated.updatedVersion == 2 && updated.details.legalBasis == "Order 7/2026")
        let withSample = try await store.addSamples(id: id, faces: [face(2)], fingers: [])
        #expect(withSample.samples.count == 3)
        let faceSample = try #require(withSample.samples.first { $0.kind == .face })
        _ = try await store.removeSample(id: id, sample: faceSample.sampleID)
        let removedAt = try await store.remove(id: id)
        #expect(removedAt == 5)

        let events = try await store.events()
        #expect(events.map(\.version) == [1, 2, 3, 4, 5])
        #expect(events.map(\.action) == [.add, .update, .addSample, .removeSample, .remove])
        #expect(events.allSatisfy { $0.subject == id.uuidString })
        #expect(events[0].details?.added.count == 2)
        #expect(events[1].details?.fields == ["category", "legal_basis"])
        #expect(events[1].details?.category == "refuse_entry")
        #expect(events[3].details?.removed == [faceSample])
        // Removal erases the row and every template; the event keeps the digests.
        let erased = try #require(events[4].details?.removed)
        #expect(erased.count == 2 && erased.allSatisfy { $0.digest.count == 64 })
        #expect(try await store.counts() == StoreCounts(entries: 0, faceTemplates: 0, fingerTemplates: 0, events: 5, screenings: 0))
        // Events carry no personal data.
        let stored = try backend.raw(location).texts("SELECT COALESCE(details, '') FROM watchlist_event")
        #expect(!stored.joined().contains("Alpha") && !stored.joined().contains("X1") && !stored.joined().contains("\"A\""))
        details.externalRef = "R1"
        // The reference is free again once its entry is gone.
        _ = try await store.enroll([NewEntry(details: details, faces: [face(1)])])
    }

    @Test("the watchlist as it stood at a version: templates added since are absent, erased ones are gone", arguments: Backend.available)
    func asOfVersion(backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let a = try await store.enroll([NewEntry(name: "A", category: "wanted_other", faces: [face(1)])])[0]
        let b = try await store.enroll([NewEntry(name: "B", category: "wanted_other", faces: [face(2)], fingers: [finger()])])[0]
        _ = try await store.addSamples(id: a.entry.id, faces: [face(3)], fingers: [])
        _ = try await store.remove(id: b.entry.id)

        let atOne = try await store.loadWatchlist(asOf: 1)
        #expect(atOne.version == 1 && atOne.faceTemplates.map(\.entryKey) == [a.entry.key])
        let atTwo = try await store.loadWatchlist(asOf: 2)
        // B's templates were erased at version 4: a rebuild cannot bring them back.
        #expect(atTwo.faceTemplates.map(\.entryKey) == [a.entry.key] && atTwo.fingerTemplates.isEmpty)
        let now = try await store.loadWatchlist()
        #expect(now.version == 4 && now.faceTemplates.count == 2 && now.entryCount == 1)
        #expect(try await store.loadWatchlist(asOf: 99).version == 4)
    }

    @Test("refusals: unknown entry, unknown sample, unknown category, a reference already in use; nothing changes", arguments: Backend.available)
    func refusals(backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let entry = try await store.enroll([NewEntry(details: EntryDetails(name: "A", category: "wanted_other", externalRef: "R"),
                                                     faces: [face(1)])])[0]
        let before = try await store.counts()
        await #expect(throws: StorageError.entryNotFound(UUID(uuidString: "00000000-0000-0000-0000-000000000001")!)) {
            _ = try await store.remove(id: UUID(uuidString: "00000000-0000-0000-0000-000000000001")!)
        }
        await #expect(throws: StorageError.sampleNotFound("face-999")) {
            _ = try await store.removeSample(id: entry.entry.id, sample: "face-999")
        }
        await #expect(throws: StorageError.unknownCategory("villain")) {
            _ = try await store.enroll([NewEntry(name: "B", category: "villain", faces: [face(2)])])
        }
        await #expect(throws: StorageError.duplicateReference("R", existing: entry.entry.id)) {
            _ = try await store.enroll([NewEntry(name: "B", category: "wanted_other", faces: [face(2)]),
                                        NewEntry(details: EntryDetails(name: "C", category: "wanted_other", externalRef: "R"), faces: [face(3)])])
        }
        #expect(try await store.counts() == before)
        #expect(try await store.watchlistVersion() == 1)
    }

    @Test("expired entries are purged with an expire event each; screening records past retention are deleted", arguments: Backend.available)
    func expiryAndRetention(backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let now = Date()
        let soon = EntryDetails(name: "Soon", category: "wanted_other", expiresAt: now.addingTimeInterval(60))
        let later = EntryDetails(name: "Later", category: "missing_person", expiresAt: now.addingTimeInterval(86_400))
        let entries = try await store.enroll([NewEntry(details: soon, faces: [face(1)]), NewEntry(details: later, faces: [face(2)]),
                                              NewEntry(name: "Never", category: "wanted_other", faces: [face(3)])])
        #expect(try await store.purgeExpired(now: now).isEmpty)
        let purged = try await store.purgeExpired(now: now.addingTimeInterval(120))
        #expect(purged == [entries[0].entry.id])
        let events = try await store.events()
        #expect(events.last?.action == .expire && events.last?.subject == entries[0].entry.id.uuidString)
        #expect(try await store.entries(matching: EntryQuery()).total == 2)
        #expect(try await store.entries(matching: EntryQuery(withoutExpiry: true)).entries.map(\.entry.name) == ["Never"])

        for age in [10.0, 400.0] {
            try await store.record(ScreeningRecord(id: UUID(), recordedAt: now.addingTimeInterval(-age * 86_400), watchlistVersion: 1,
                                                   decision: "no_hit", faceCount: 1, resultJSON: "{}"))
        }
        #expect(try await store.deleteScreenings(recordedBefore: now.addingTimeInterval(-365 * 86_400)) == 1)
        #expect(try await store.counts().screenings == 1)
    }

    @Test("kept source images live and die with their templates", arguments: Backend.available)
    func sourceImages(backend: Backend) async throws {
        let (store, location) = try await backend.fresh()
        let kept = NewFaceTemplate(vector: face(1).vector, quantized: [1], model: "test-model", sourceImage: [0xFF, 0xD8, 0xFF])
        let entry = try await store.enroll([NewEntry(name: "A", category: "wanted_other", faces: [kept, face(2)])])[0]
        func images() async throws -> Int {
            Int(try backend.raw(location).text("SELECT COUNT(*) FROM face_template WHERE source_image IS NOT NULL") ?? "") ?? -1
        }
        #expect(try await images() == 1)
        _ = try await store.removeSample(id: entry.entry.id, sample: "face-\(entry.faceTemplates[0].id)")
        #expect(try await images() == 0)
    }

    @Test("an entry's finger records and kept finger images are read by entry, opened", arguments: Backend.available)
    func fingersByEntry(backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let fingers = [NewFingerTemplate(position: 2, record: [1, 2, 3], cylinders: [4], sourceImage: [0x89, 0x50]),
                       NewFingerTemplate(position: 7, record: [5, 6], cylinders: [7])]
        let entry = try await store.enroll([NewEntry(name: "A", category: "wanted_other", faces: [], fingers: fingers),
                                            NewEntry(name: "B", category: "wanted_other", faces: [face(1)])])[0]
        let records = try await store.fingerTemplates(entry: entry.entry.id)
        #expect(records.map(\.position) == [2, 7] && records.map(\.record) == [[1, 2, 3], [5, 6]])
        #expect(try await store.fingerSourceImages(entry: entry.entry.id) == [2: [0x89, 0x50]])
        #expect(try await store.fingerTemplates(entry: UUID()).isEmpty)
    }

    @Test("listing filters by category and expiry and pages in a stable order", arguments: Backend.available)
    func listing(backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let batch = (0..<7).map { NewEntry(name: "E\($0)", category: $0 % 2 == 0 ? "wanted_other" : "missing_person", faces: [face(Float($0 + 1))]) }
        _ = try await store.enroll(batch)
        let page = try await store.entries(matching: EntryQuery(category: "wanted_other", limit: 3, offset: 0))
        #expect(page.total == 4 && page.entries.map(\.entry.name) == ["E0", "E2", "E4"] && page.version == 7)
        let next = try await store.entries(matching: EntryQuery(category: "wanted_other", limit: 3, offset: 3))
        #expect(next.entries.map(\.entry.name) == ["E6"])
        #expect(try await store.entries(matching: EntryQuery(limit: 10, offset: 100)).entries.isEmpty)
    }

    @Test("a database from before schema v5 opens with its entries, templates and events intact, and digests filled in")
    func migrationKeepsData() async throws {
        let path = temporaryDatabasePath()
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v4: stored finger cylinders")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO watchlist_event (action, entry_id, recorded_at) VALUES ('add', 'E1', '2026-01-01 00:00:00')")
                try db.execute(sql: """
                    INSERT INTO watchlist_entry (id, name, category, created_at, created_version)
                    VALUES ('6E4E6A39-5B5B-4E3B-9F1E-6A1E3C1D2B10', 'Old', 'wanted_other', '2026-01-01 00:00:00', 1)
                    """)
                try db.execute(sql: "INSERT INTO face_template (entry_key, vector, quantized) VALUES (1, x'0000803f', x'01')")
            }
        }
        let store = try await openStore(path)
        let page = try await store.entries(matching: EntryQuery())
        let entry = try #require(page.entries.first)
        #expect(entry.entry.name == "Old" && entry.entry.updatedVersion == 1 && entry.entry.details.aliases.isEmpty)
        #expect(entry.samples.first?.digest == TemplateDigest.hex(Data([0, 0, 0x80, 0x3f])))
        #expect(try await store.loadWatchlist(asOf: 1).faceTemplates.count == 1)
    }
}
