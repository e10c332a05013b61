import Foundation
import Synchronization
import Testing
import VigilScreening
import VigilTestSupport

@Suite("Audit replay of recorded screenings", .enabled(if: TestData.shouldRunDataTests))
struct AuditReplayTests {
    final class Clock: Sendable {
        let now = Mutex(Date())
        func advance(days: Double) { now.withLock { $0 += days * 86_400 } }
    }

    func configuration(_ path: String, threads: Int, clock: Clock, keys: KeyRing) -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        configuration.modelsDirectory = TestData.modelsDirectory
        configuration.databasePath = path
        configuration.scanThreads = threads
        configuration.keys = keys
        configuration.clock = { clock.now.withLock { $0 } }
        return configuration
    }

    @Test("screenings across watchlist changes replay identically after a restart with another thread count; erasures are named")
    func replay() async throws {
        let path = temporaryDatabasePath(), clock = Clock(), keys = KeyRing.ephemeral()
        let service = try await ScreeningService(configuration: configuration(path, threads: 2, clock: clock, keys: keys))
        let people = try TestData.identities("lfw10")
        var ids: [UUID] = []
        for person in people.prefix(6) {
            ids.append(try await service.enroll(name: person.identity, category: "wanted_trafficking", faces: [try TestData.bytes(person.files[0])]).id)
        }
        let finger = FingerSample(position: .rightIndex, bytes: try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.iso"))
        _ = try await service.enroll(name: "Print", category: "missing_person", faces: [], fingers: [finger])

        func screenSome() async throws -> [ScreeningResult] {
            var results: [ScreeningResult] = []
            for person in people.prefix(7) { results.append(try await service.screen(face: try TestData.bytes(person.files[3]))) }
            results.append(try await service.screen(face: nil, fingers: [FingerSample(position: .rightIndex,
                                                                                    bytes: try TestData.bytes("fingerprints/FVC2002/DB1_B/101_2.iso"))]))
            results.append(try await service.screen(face: try TestData.bytes("faces/scenes/dogs.jpg")))
            return results
        }
        let before = try await screenSome()
        // Most hit: at FPIR 1% with six face templates each comparison must reach FMR 0.17%,
        // whose threshold misses some genuine photos (docs/faces.md).
        #expect(before.filter { $0.decision == .reviewRequired }.count >= 5)
        var patch = EntryPatch()
        patch.category = "refuse_entry"
        _ = try await service.update(id: ids[1], patch)
        var category = try #require(service.categories().first { $0.name == "wanted_trafficking" })
        category.matchThreshold = 0.95
        category.targetFpir = nil   // the raw threshold applies only without a target
        _ = try await service.setCategory(category)
        let after = try await screenSome()
        #expect(after.map(\.watchlistVersion).allSatisfy { $0 == 9 })

        let first = try await service.replay()
        #expect(first.screenings == 18 && first.agreed == 18 && first.divergences.isEmpty, "\(first)")

        // Restarted with one scan thread: the same answer.
        let restarted = try await ScreeningService(configuration: configuration(path, threads: 1, clock: clock, keys: keys))
        #expect(try await restarted.replay() == first)

        // Removing an entry erases its templates: screenings that found it can no longer agree, and say why.
        _ = try await restarted.remove(id: ids[0])
        let erased = try await restarted.replay()
        let hitFirst = (before + after).enumerated().filter { $0.element.candidates.contains { $0.entryId == ids[0] } }.count
        #expect(hitFirst >= 1 && erased.divergences.count == hitFirst, "\(erased)")
        #expect(erased.divergences.allSatisfy { $0.reason.hasPrefix("watchlist templates erased (entry \(ids[0].uuidString) removed)") })

        // After the retention period, no-hit probes are erased; the chain still verifies.
        clock.advance(days: 31)
        try await restarted.enforceRetention()
        let retained = try await restarted.replay()
        let noHits = (before + after).filter { $0.decision == .noHit }.count
        #expect(noHits >= 1 && retained.divergences.filter { $0.reason == "probe template erased by retention" }.count == noHits)
        #expect(try await restarted.verifyAudit().ok)
        let log = try await restarted.auditRecords(from: 1, to: .max, actor: nil, action: nil, limit: 1000)
        #expect(log.contains { $0.action == "retention" } && log.contains { $0.action == "audit.replay" } && log.contains { $0.action == "watchlist.category" })
    }
}
