import Foundation
import Testing
import VigilScreening
import VigilTestSupport

/// Two nodes on one PostgreSQL database, in one process: each keeps its own
/// in-memory index and follows the other's changes through the database.
/// The nodes' polling is pushed out of reach, so a change can only arrive
/// through its notification; how fast it arrives is measured by the
/// two-daemon test and `vigil bench follow`, not in this process, whose two
/// cores other suites share.
@Suite("Two nodes on one PostgreSQL database", .enabled(if: TestData.shouldRunDataTests && TestPostgres.enabled))
struct SharedDatabaseTests {
    func node(_ url: String, keys: KeyRing) async throws -> ScreeningService {
        var configuration = ServiceConfiguration()
        configuration.modelsDirectory = TestData.modelsDirectory
        configuration.databaseURL = url
        configuration.keys = keys
        configuration.scanThreads = 1
        configuration.engines = 1
        configuration.followPollInterval = Self.unreachedPoll
        return try await ScreeningService(configuration: configuration)
    }

    static let unreachedPoll = Duration.seconds(120)

    /// Waits until `node`'s index reaches `version`, at most well short of
    /// the poll; the time it took.
    func reach(_ version: Int64, on node: ScreeningService, within limit: Duration = Self.unreachedPoll / 4) async throws -> Duration {
        let clock = ContinuousClock(), start = clock.now
        while node.watchlistStatus.version < version {
            guard clock.now - start < limit else { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(node.watchlistStatus.version >= version, "node stuck at \(node.watchlistStatus.version), wanted \(version)")
        return clock.now - start
    }

    @Test("enrol on A, found on B by its notification; remove on B, gone on A; one audit trail that verifies and replays")
    func followEachOther() async throws {
        let url = try TestPostgres.freshDatabase(), keys = KeyRing.ephemeral()
        let a = try await node(url, keys: keys)
        let b = try await node(url, keys: keys)
        let people = try TestData.identities("lfw10")
        let person = try #require(people.first { $0.files.count >= 2 })

        let enrolled = try await a.enroll(name: person.identity, category: "wanted_trafficking", faces: [try TestData.bytes(person.files[0])])
        let added = try await reach(enrolled.version, on: b)
        print("enrolment on A reached B after \(added)")
        let onB = try await b.screen(face: try TestData.bytes(person.files[1]))
        #expect(onB.candidates.contains { $0.entryId == enrolled.id })
        #expect(b.watchlistStatus.entries == 1 && b.watchlistStatus.faceTemplates == 1)
        // A replays B's screening from the shared trail with the same answer.
        let replayed = try await a.replay()
        #expect(replayed.screenings == 1 && replayed.agreed == 1, "\(replayed)")

        let removal = try await b.remove(id: enrolled.id)
        let removed = try await reach(removal.version, on: a)
        print("removal on B reached A after \(removed)")
        let onA = try await a.screen(face: try TestData.bytes(person.files[1]))
        #expect(!onA.candidates.contains { $0.entryId == enrolled.id })
        #expect(a.watchlistStatus.entries == 0 && a.watchlistStatus.faceTemplates == 0)

        // Both nodes wrote to one chain: it verifies from either.
        for node in [a, b] {
            let verification = try await node.verifyAudit()
            #expect(verification.ok && verification.records >= 4, "\(verification)")
        }
        await a.shutdown()
        await b.shutdown()
    }
}
