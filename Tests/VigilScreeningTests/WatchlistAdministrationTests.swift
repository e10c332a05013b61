import Foundation
import Synchronization
import Testing
import VigilScreening
import VigilTestSupport

@Suite("Watchlist administration through the service", .enabled(if: TestData.shouldRunDataTests))
struct WatchlistAdministrationTests {
    let people: [(identity: String, files: [String])]

    init() throws { people = try TestData.identities("lfw10") }

    func photo(_ person: Int, _ index: Int) throws -> [UInt8] { try TestData.bytes(people[person].files[index]) }

    @Test("updates, added and removed samples and removal all reach screening at once")
    func changesReachScreening() async throws {
        let service = try await makeService()
        let details = EntryDetails(name: "Person A", category: "wanted_trafficking", aliases: ["A."], dateOfBirth: "1970-05",
                                   nationality: "usa", handlingInstructions: "May travel with minors")
        let enrolled = try await service.enroll(details, faces: [try photo(0, 0)])
        let probe = try photo(0, 5)

        let wanted = try #require(try await service.screen(face: probe).candidates.first)
        #expect(wanted.entryId == enrolled.id && wanted.name == "Person A" && wanted.dateOfBirth == "1970-05")
        #expect(wanted.nationality == "USA" && wanted.confirmationsRequired == 2 && !wanted.protective)
        #expect(wanted.handlingInstructions == "May travel with minors")

        // Re-categorised as protective: the post sees the action, not the identity.
        var patch = EntryPatch()
        patch.category = "missing_person"
        let updated = try await service.update(id: enrolled.id, patch)
        #expect(updated.details.category == "missing_person" && updated.details.name == "Person A" && updated.updatedVersion == 2)
        let protective = try #require(try await service.screen(face: probe).candidates.first)
        #expect(protective.protective && protective.name == nil && protective.aliases == nil && protective.dateOfBirth == nil)
        #expect(protective.action.contains("do not detain") && protective.confirmationsRequired == 1)
        #expect(protective.handlingInstructions == "May travel with minors")

        // Replace the only face: the entry matches through the new sample alone.
        let withTwo = try await service.addSamples(id: enrolled.id, faces: [try photo(0, 1)], fingers: [])
        #expect(withTwo.samples.count == 2)
        let withOne = try await service.removeSample(id: enrolled.id, sample: withTwo.samples[0].id)
        #expect(withOne.samples.map(\.id) == [withTwo.samples[1].id])
        #expect(service.watchlistStatus.faceTemplates == 1)
        #expect(try await service.screen(face: probe).candidates.first?.entryId == enrolled.id)

        let removal = try await service.remove(id: enrolled.id)
        #expect(removal.version == 5 && service.watchlistStatus.entries == 0 && service.watchlistStatus.faceTemplates == 0)
        #expect(try await service.screen(face: probe).decision == .noHit)
        await #expect(throws: VigilError.self) { _ = try await service.entry(id: enrolled.id) }
        let events = try await service.events(from: 1, limit: 10)
        #expect(events.map(\.action.rawValue) == ["add", "update", "add_sample", "remove_sample", "remove"])
    }

    @Test("a category's target FPIR sets its threshold from the calibration and the watchlist's size")
    func targetFpir() async throws {
        let service = try await makeService()
        func point() throws -> FaceOperatingPoint { try #require(service.faceOperatingPoints().first { $0.category == "wanted_other" }) }
        let empty = try point()
        #expect(empty.targetFpir == 0.01)
        #expect(abs(empty.expectedFpir - 0.01) < 1e-4)
        for n in 0..<5 { _ = try await service.enroll(name: "P\(n)", category: "wanted_other", faces: [try photo(n, 0)]) }
        let five = try point()
        // More templates, more chances per search: each comparison must be stricter.
        #expect(five.threshold > empty.threshold)
        #expect(abs(five.expectedFpir - 0.01) < 1e-4, "\(five)")
        let discreet = try #require(service.faceOperatingPoints().first { $0.category == "discreet_check" })
        #expect(discreet.threshold > five.threshold && abs(discreet.expectedFpir - 0.001) < 1e-5)
        // A target outside (0, 1) is refused and changes nothing.
        var bad = try #require(service.categories().first { $0.name == "wanted_other" })
        let version = service.watchlistStatus.version
        for target in [0.0, 1.0, 1.5, -0.1] {
            bad.targetFpir = target
            await expectError(.invalidField) { _ = try await service.setCategory(bad) }
        }
        #expect(service.watchlistStatus.version == version)
        #expect(service.categories().first { $0.name == "wanted_other" }?.targetFpir == 0.01)
        // Every face screening reports the operating points it applied.
        let result = try await service.screen(face: try photo(0, 1))
        #expect(result.faceOperatingPoints?.first { $0.category == "wanted_other" } == five)
    }

    @Test("each category applies its own threshold, and a category change is itself a versioned event")
    func categoryThresholds() async throws {
        let service = try await makeService()
        let entry = try await service.enroll(name: "P", category: "wanted_other", faces: [try photo(1, 0)])
        let probe = try photo(1, 3)
        let score = try #require(try await service.screen(face: probe).candidates.first?.score)
        var category = try #require(service.categories().first { $0.name == "wanted_other" })
        category.matchThreshold = min(1, score + 0.01)
        category.targetFpir = nil   // the raw threshold applies only without a target
        let version = try await service.setCategory(category)
        #expect(version == 2 && service.watchlistStatus.version == 2)
        #expect(try await service.screen(face: probe).decision == .noHit)
        #expect(try await service.events(from: 2, limit: 1).first?.details?.settings == category)
        // Restart: the stored setting still applies.
        let path = service.configuration.databasePath
        let restarted = try await makeService(database: path)
        #expect(try await restarted.screen(face: probe).decision == .noHit)
        #expect(try await restarted.entry(id: entry.id).details.category == "wanted_other")
    }

    @Test("an expired entry never matches and is purged, with an event, at the next start")
    func expiry() async throws {
        final class Clock: Sendable {
            let now = Mutex(Date())
            func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
        }
        let clock = Clock()
        var configuration = ServiceConfiguration()
        configuration.modelsDirectory = TestData.modelsDirectory
        configuration.databasePath = temporaryDatabasePath()
        configuration.clock = { clock.now.withLock { $0 } }
        let service = try await ScreeningService(configuration: configuration)
        var details = EntryDetails(name: "Short alert", category: "refuse_entry")
        details.expiresAt = clock.now.withLock { $0 }.addingTimeInterval(3600)
        let entry = try await service.enroll(details, faces: [try photo(2, 0)])
        let probe = try photo(2, 4)
        #expect(try await service.screen(face: probe).candidates.first?.entryId == entry.id)
        clock.advance(3601)
        #expect(try await service.screen(face: probe).decision == .noHit, "expired before the purge ran")
        let restarted = try await ScreeningService(configuration: configuration)
        #expect(restarted.watchlistStatus.entries == 0 && restarted.watchlistStatus.faceTemplates == 0)
        let events = try await restarted.events(from: 1, limit: 10)
        #expect(events.map(\.action.rawValue) == ["add", "expire"] && events.last?.details?.removed.count == 1)
    }

    @Test("duplicates: the same person entered twice is listed once; different people are not")
    func duplicates() async throws {
        let service = try await makeService()
        let first = try await service.enroll(name: "A", category: "wanted_trafficking", faces: [try photo(3, 0)])
        let second = try await service.enroll(name: "A again", category: "refuse_entry", faces: [try photo(3, 2)])
        for person in 4..<8 { _ = try await service.enroll(name: "P\(person)", category: "wanted_other", faces: [try photo(person, 0)]) }
        let pairs = try await service.duplicates()
        #expect(pairs.count == 1)
        #expect(Set([pairs.first?.first, pairs.first?.second]) == Set([first.id, second.id]))
        #expect((pairs.first?.score ?? 0) >= (pairs.first?.threshold ?? 1))
        #expect(pairs.first?.fingerScores.isEmpty == true)
        #expect((pairs.first?.fusedScore ?? 0) >= (pairs.first?.requiredScore ?? 99))
    }

    @Test("invalid details are refused with their codes and store nothing")
    func invalidDetails() async throws {
        let service = try await makeService()
        let face = try photo(0, 0)
        let cases: [(EntryDetails, VigilError.Code)] = [
            (EntryDetails(name: " ", category: "wanted_other"), .invalidField),
            (EntryDetails(name: "X", category: "villain"), .unknownCategory),
            (EntryDetails(name: "X", category: "wanted_other", dateOfBirth: "1990-02-30"), .invalidField),
            (EntryDetails(name: "X", category: "wanted_other", dateOfBirth: "3000"), .invalidField),
            (EntryDetails(name: "X", category: "wanted_other", nationality: "Nigeria"), .invalidField),
            (EntryDetails(name: "X", category: "wanted_other", expiresAt: Date(timeIntervalSince1970: 0)), .invalidField),
            (EntryDetails(name: "X\u{7}", category: "wanted_other"), .invalidField),
        ]
        for (details, code) in cases {
            await expectError(code) { _ = try await service.enroll(details, faces: [face]) }
        }
        let entry = try await service.enroll(EntryDetails(name: "Y", category: "wanted_other", externalRef: "R-1"), faces: [face])
        await expectError(.duplicateEntry) {
            _ = try await service.enroll(EntryDetails(name: "Z", category: "wanted_other", externalRef: "R-1"), faces: [face])
        }
        await expectError(.missingField) { _ = try await service.update(id: entry.id, EntryPatch()) }
        await expectError(.notFound) { _ = try await service.remove(id: UUID()) }
        let counts = try await service.storeCounts()
        #expect(counts.entries == 1 && counts.events == 1)
    }
}
