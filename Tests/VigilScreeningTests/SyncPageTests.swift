import Foundation
import Testing
import VigilScreening
import VigilStorage
import VigilTestSupport

/// Headquarters' signed pages applied at a post, both services in process
/// on their own SQLite files: the chain of versions and the signature are
/// what keep a post at a version headquarters had.
@Suite("Sync pages: headquarters to a post", .enabled(if: TestData.shouldRunDataTests), .serialized)
struct SyncPageTests {
    func makePost(clock: @escaping @Sendable () -> Date = { Date() }) async throws -> ScreeningService {
        var configuration = ServiceConfiguration()
        configuration.clock = clock
        configuration.modelsDirectory = TestData.modelsDirectory
        configuration.databasePath = temporaryDatabasePath("vigil-post")
        configuration.followsUpstream = true
        return try await ScreeningService(configuration: configuration)
    }

    @Test("pages in sequence bring the post to headquarters' version; altered, replayed, skipped or foreign pages change nothing; removals and category changes arrive")
    func chain() async throws {
        let hq = try await makeService()
        let post = try await makePost()
        let other = try await makeService()
        defer { Task { await hq.shutdown(); await post.shutdown(); await other.shutdown() } }
        let people = try TestData.identities("pakistan-politicians").prefix(3)
        var ids: [UUID] = []
        for person in people {
            ids.append(try await hq.enroll(name: person.identity, category: "wanted_trafficking",
                                           faces: [try TestData.bytes(person.files[0])]).id)
        }
        let key = hq.signingPublicKey

        // Two pages of at most two events: the first stops at version 2.
        let first = try await hq.syncPage(after: 0, limit: 2, post: "P-1")
        var altered = [UInt8](first)
        altered[altered.count / 2] ^= 0x01
        await expectError(.forbidden) { try await post.applySyncPage(Data(altered), upstreamKey: key) }
        let foreign = try await other.syncPage(after: 0, limit: 2, post: "P-1")
        await expectError(.forbidden) { try await post.applySyncPage(foreign, upstreamKey: key) }
        #expect(post.upstreamStatus?.version == 0 && post.watchlistStatus.entries == 0, "a refused page changed the post")

        let afterFirst = try await post.applySyncPage(first, upstreamKey: key)
        #expect(afterFirst.version == 2 && afterFirst.versionsBehind == 1)
        await expectError(.syncOutOfSequence) { try await post.applySyncPage(first, upstreamKey: key) }
        let fromZero = try await hq.syncPage(after: 0, limit: 50, post: "P-1")
        await expectError(.syncOutOfSequence) { try await post.applySyncPage(fromZero, upstreamKey: key) }
        let second = try await hq.syncPage(after: 2, limit: 50, post: "P-1")
        #expect(try await post.applySyncPage(second, upstreamKey: key).versionsBehind == 0)
        #expect(post.watchlistStatus.entries == 3 && post.watchlistStatus.faceTemplates == 3)

        // The post finds a person by another photo, under headquarters' entry id, and says when it synced.
        let probe = try TestData.bytes(people[people.startIndex].files[1])
        let found = try await post.screen(face: probe)
        #expect(found.candidates.first?.entryId == ids[0])
        #expect(found.watchlistSyncedAt != nil && found.staleWatchlist == false)

        // Its watchlist is headquarters' copy: local changes are refused.
        await expectError(.forbidden) { _ = try await post.remove(id: ids[0]) }

        // A removal, an edit and a category change at headquarters arrive in the next page.
        _ = try await hq.remove(id: ids[0])
        var patch = EntryPatch()
        patch.name = "Renamed"
        _ = try await hq.update(id: ids[1], patch)
        var category = try #require(hq.categories().first { $0.name == "wanted_trafficking" })
        category.confirmations = 2
        _ = try await hq.setCategory(category)
        let third = try await hq.syncPage(after: 3, limit: 50, post: "P-1")
        let status = try await post.applySyncPage(third, upstreamKey: key)
        #expect(status.version == 6 && status.versionsBehind == 0)
        #expect(post.watchlistStatus.entries == 2 && post.watchlistStatus.faceTemplates == 2)
        #expect(try await post.screen(face: probe).candidates.contains { $0.entryId == ids[0] } == false, "a removed entry is still found")
        #expect(try await post.entry(id: ids[1]).details.name == "Renamed")
        #expect(post.categories().first { $0.name == "wanted_trafficking" }?.confirmations == 2)
        // An empty page records the contact without a change.
        let empty = try await hq.syncPage(after: status.version, limit: 50, post: "P-1")
        #expect(try await post.applySyncPage(empty, upstreamKey: key).version == status.version)
    }

    @Test("an entry already past its expiry at the post is not brought back by a page; the post stays stale until it syncs")
    func expiredEntries() async throws {
        let hq = try await makeService()
        // The post's clock is two days ahead: the entry expiring tomorrow has expired there.
        let post = try await makePost(clock: { Date().addingTimeInterval(2 * 86_400) })
        defer { Task { await hq.shutdown(); await post.shutdown() } }
        let person = try #require(try TestData.identities("pakistan-politicians").first)
        let photo = try TestData.bytes(person.files[0])
        _ = try await hq.enroll(EntryDetails(name: "Soon", category: "wanted_other", expiresAt: Date().addingTimeInterval(86_400)), faces: [photo])
        let lasting = try await hq.enroll(name: "Lasting", category: "wanted_other", faces: [try TestData.bytes(person.files[1])]).id
        #expect(try await post.screen(face: photo).staleWatchlist == true, "a post that never synced is stale")
        let page = try await hq.syncPage(after: 0, limit: 50, post: "P-1")
        #expect(try await post.applySyncPage(page, upstreamKey: hq.signingPublicKey).version == 2)
        #expect(post.watchlistStatus.entries == 1)
        #expect(try await post.entry(id: lasting).details.name == "Lasting")
    }
}
