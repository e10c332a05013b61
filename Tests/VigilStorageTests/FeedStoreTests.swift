import Foundation
import Testing
import VigilStorage
import VigilTestSupport

/// What headquarters reads for its posts, and keeps of theirs: the same
/// answers from SQLite and PostgreSQL.
@Suite("Sync feed and post archive", .serialized)
struct FeedStoreTests {
    func face(_ n: Int) -> NewFaceTemplate {
        NewFaceTemplate(vector: (0..<128).map { Float(($0 + n) % 7) }, quantized: [UInt8(n)], model: "test-model")
    }

    @Test("pages cut at their last event, hold entries whole, defer an entry changed later, name removals, and resend a changed category", arguments: Backend.available)
    func feed(backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        let added = try await store.enroll((0..<3).map { NewEntry(name: "P\($0)", category: "wanted_other", faces: [face($0)]) })
        let ids = added.map(\.entry.id)
        _ = try await store.update(id: ids[0], { details in var changed = details; changed.name = "Renamed"; return changed })  // 4
        _ = try await store.remove(id: ids[1])  // 5

        let first = try await store.feedPage(after: 0, limit: 2)
        #expect(first.through == 2 && first.head == 5)
        // Entry 0 changed again at version 4: left for that page. Entry 1 is gone by now: its removal comes at 5.
        #expect(first.entries.isEmpty && first.removed.isEmpty, "\(first.entries.map(\.entry.id))")
        let rest = try await store.feedPage(after: 2, limit: 10)
        #expect(rest.through == 5 && rest.removed == [ids[1]])
        #expect(Set(rest.entries.map(\.entry.id)) == [ids[0], ids[2]])
        let renamed = try #require(rest.entries.first { $0.entry.id == ids[0] })
        #expect(renamed.entry.details.name == "Renamed" && renamed.faces.count == 1 && renamed.faces[0].model == "test-model")
        #expect(renamed.faces[0].vector == face(0).vector, "the Float32 original, opened")
        #expect(rest.categories == nil)

        // A category change sends every entry of the category again, with the categories.
        var category = try #require(try await store.categories().first { $0.name == "wanted_other" })
        category.posts = ["POST-A"]
        _ = try await store.setCategory(category)  // 6
        let changed = try await store.feedPage(after: 5, limit: 10)
        #expect(Set(changed.entries.map(\.entry.id)) == [ids[0], ids[2]])
        #expect(changed.categories?.first { $0.name == "wanted_other" }?.posts == ["POST-A"], "clearance is stored")
        #expect(try await store.feedPage(after: 6, limit: 10).entries.isEmpty)
        await store.close()
    }

    @Test("a post's chain is appended only after the head it was checked against; records and checkpoints read back", arguments: Backend.available)
    func archive(backend: Backend) async throws {
        let (store, _) = try await backend.fresh()
        try await store.registerNodeKey(post: "POST-A", publicKey: String(repeating: "ab", count: 32), at: Date())
        #expect(try await store.nodeKeys() == ["POST-A": String(repeating: "ab", count: 32)])
        #expect(try await store.postChainHead(post: "POST-A") == .empty)
        // The post's own log provides real records to archive.
        let (source, _) = try await backend.fresh()
        for n in 0..<3 { _ = try await source.audit(AuditDraft(action: "test", subject: "\(n)", result: "{}"), at: Date()) }
        try await source.checkpoint(at: Date())
        let records = try await source.auditRecords(from: 1, to: 100, actor: nil, action: nil, limit: 100)
        let checkpoints = try await source.checkpoints(after: 0)
        #expect(records.count == 3 && checkpoints.count == 1)
        let head = try await store.appendPostRecords(post: "POST-A", after: .empty, records: records, checkpoints: checkpoints)
        #expect(head == PostChainHead(seq: 3, hash: records[2].hash))
        // A second upload checked against the old head is refused, and stores nothing.
        await #expect(throws: StorageError.postChainMoved(post: "POST-A")) {
            _ = try await store.appendPostRecords(post: "POST-A", after: .empty, records: records, checkpoints: [])
        }
        #expect(try await store.postRecords(post: "POST-A", after: 0, limit: 10) == records)
        #expect(try await store.postCheckpoints(post: "POST-A") == checkpoints)
        #expect(try await store.postRecords(post: "POST-B", after: 0, limit: 10).isEmpty)
        await store.close()
        await source.close()
    }
}
