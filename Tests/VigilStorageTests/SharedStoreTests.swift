import Foundation
import Testing
import VigilTestSupport
@testable import VigilStorage

/// What several nodes on one database rely on, and what every backend
/// must agree on: catch-up by version, templates sealed before they reach
/// the server, one gap-free order of changes from concurrent writers.
@Suite("Shared stores: catch-up, sealing at rest, concurrent writers")
struct SharedStoreTests {
    func face(_ seed: Float) -> NewFaceTemplate {
        NewFaceTemplate(vector: (0..<128).map { sin(Float($0) * seed + seed) }, quantized: [UInt8(seed), 7, 7, 7], model: "test-model")
    }

    @Test("a catch-up from any version gives the index exactly what loading at the newest version gives", arguments: Backend.available)
    func catchUpMatchesLoading(backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let a = try await store.enroll([NewEntry(name: "A", category: "wanted_other", faces: [face(1)])])[0]
        let b = try await store.enroll([NewEntry(name: "B", category: "wanted_other", faces: [face(2)],
                                                 fingers: [NewFingerTemplate(position: 3, record: [1, 2], cylinders: [3])])])[0]
        _ = try await store.addSamples(id: a.entry.id, faces: [face(3)], fingers: [])
        _ = try await store.remove(id: b.entry.id)
        _ = try await store.setCategory(WatchlistCategory(name: "wanted_other", description: "d", protective: false, matchThreshold: 0.8,
                                                          confirmations: 2, action: "hold"))
        let c = try await store.enroll([NewEntry(name: "C", category: "missing_person", faces: [face(4)])])[0]
        let newest = try await store.loadWatchlist()
        #expect(newest.version == 6)
        for from in Int64(0)...5 {
            let before = try await store.loadWatchlist(asOf: from)
            let change = try #require(try await store.changes(after: from))
            #expect(change.baseVersion == from && change.version == 6)
            // Templates present at `from`, minus those erased since, plus those added since and still stored.
            let ids = Set(before.faceTemplates.map(\.id)).subtracting(change.removedFaces).union(change.addedFaces.map(\.id))
            #expect(ids == Set(newest.faceTemplates.map(\.id)), "from \(from)")
            // An index at `from` counted the entries live then (B still was, before its removal at 4).
            let liveThen = try await store.events(from: 1, limit: 100).filter { $0.version <= from }.reduce(0) { count, event in
                count + (event.action == .add ? 1 : event.action == .remove ? -1 : 0)
            }
            #expect(liveThen + change.entryDelta == newest.entryCount, "from \(from)")
            #expect(change.categoriesChanged == (from < 5), "from \(from)")
            #expect(change.addedFaces.allSatisfy { $0.quantized?.count == 4 })
        }
        #expect(try await store.changes(after: 6) == nil)
        #expect(newest.faceTemplates.map(\.entryKey).contains(c.entry.key))
    }

    @Test("the database holds templates and kept photos only sealed; they read back through the node's key", arguments: Backend.available)
    func sealedAtRest(backend: Backend) async throws {
        let keys = KeyRing.ephemeral()
        let (store, location) = try await backend.fresh(keys: keys)
        let photo = Array("JFIF reference photo of the traveller".utf8)
        let template = NewFaceTemplate(vector: (0..<128).map { Float($0) / 128 }, quantized: Array(repeating: 0x5A, count: 136),
                                       model: "test-model", sourceImage: photo)
        let finger = NewFingerTemplate(position: 1, record: Array("FMR\0 minutiae record".utf8), cylinders: Array(repeating: 0x33, count: 64),
                                       indexKeys: Array(repeating: 0x4B, count: 48))
        let entry = try await store.enroll([NewEntry(name: "Sealed", category: "wanted_other", faces: [template], fingers: [finger])])[0]
        let raw = backend.raw(location)
        let hex = { (bytes: [UInt8]) in Hex.encode(bytes) }
        let stored = backend == .sqlite
            ? try raw.texts("SELECT hex(vector) || hex(quantized) || hex(source_image) FROM face_template UNION ALL SELECT hex(record) || hex(cylinders) || hex(index_keys) FROM finger_template")
            : try raw.texts("SELECT encode(vector, 'hex') || encode(quantized, 'hex') || encode(source_image, 'hex') FROM face_template UNION ALL SELECT encode(record, 'hex') || encode(cylinders, 'hex') || encode(index_keys, 'hex') FROM finger_template")
        let everything = stored.joined().lowercased()
        for secret in [hex(Array(VectorBlob.encode(template.vector).prefix(32))), hex(Array(template.quantized.prefix(16))), hex(photo),
                       hex(finger.record), hex(Array(finger.cylinders.prefix(16))), hex(Array(finger.indexKeys!.prefix(16)))] {
            #expect(!everything.contains(secret))
        }
        #expect(try await store.faceReferencePhoto(entry: entry.entry.id) == photo)
        let details = try await store.candidateDetails(templateIDs: [entry.faceTemplates[0].id])
        #expect(details.vectors[entry.faceTemplates[0].id] == template.vector)
        let loaded = try await store.loadWatchlist()
        #expect(loaded.fingerTemplates.first?.record == finger.record && loaded.faceTemplates.first?.quantized == template.quantized)
        #expect(loaded.fingerTemplates.first?.indexKeys == finger.indexKeys)
    }

    @Test("two nodes writing at once: every enrolment succeeds with its own version, none skipped; each external reference is created once; one audit chain verifies")
    func concurrentNodes() async throws {
        guard TestPostgres.enabled else { return }
        let keys = KeyRing.ephemeral()
        let (first, location) = try await Backend.postgres.fresh(keys: keys)
        let second = try await Backend.postgres.open(location, keys: keys)
        // Distinct entries from both nodes, and the same import (references R0...R19) run on both at once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (node, store) in [(0, first), (1, second)] {
                group.addTask {
                    for n in 0..<15 {
                        _ = try await store.enroll([NewEntry(name: "N\(node)-\(n)", category: "wanted_other", faces: [self.face(Float(n + 1))])])
                    }
                }
                group.addTask {
                    for n in 0..<20 {
                        do {
                            _ = try await store.enroll([NewEntry(details: EntryDetails(name: "Ref \(n)", category: "wanted_other", externalRef: "R\(n)"),
                                                                 faces: [self.face(Float(n + 30))])])
                        } catch StorageError.duplicateReference(let ref, _) {
                            #expect(ref == "R\(n)")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let events = try await first.events(from: 1, limit: 1000)
        #expect(events.map(\.version) == Array(1...Int64(events.count)))
        #expect(events.count == 30 + 20)
        let page = try await second.entries(matching: EntryQuery(limit: 100))
        #expect(page.total == 50 && page.version == 50)
        let refs = page.entries.compactMap(\.entry.details.externalRef)
        #expect(refs.count == 20 && Set(refs).count == 20)
        let verification = try await second.verifyAudit()
        #expect(verification.ok && verification.records == 50, "\(verification)")
    }
}
