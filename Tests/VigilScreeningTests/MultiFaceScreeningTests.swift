import Foundation
import Testing
import VigilScreening
import VigilTestSupport

@Suite("Every face in a capture is screened", .enabled(if: TestData.shouldRunDataTests))
struct MultiFaceScreeningTests {
    @Test("a child beside an unlisted adult: the smaller face hits its protective entry, and the screening replays")
    func smallerFaceHits() async throws {
        let service = try await makeService()
        let people = try TestData.identities("lfw10")
        let (adult, child) = (people[1], people[0])
        let entry = try await service.enroll(name: child.identity, category: "missing_person",
                                             faces: [try TestData.bytes(child.files[0])]).id
        // A photo of the listed person that hits on its own: this test is about finding
        // every face, not about the recognizer's accuracy (docs/faces.md measures that).
        var probe: String?
        for file in child.files.dropFirst() {
            if try await service.screen(face: try TestData.bytes(file)).candidates.first?.entryId == entry {
                probe = file
                break
            }
        }
        let childPhoto = try #require(probe)

        let capture = try ComposedCapture.sideBySide(adult.files[0], childPhoto, rightScale: 0.8)
        let result = try await service.screen(face: capture)
        #expect(result.face?.found == true && (result.face?.count ?? 0) >= 2)
        #expect(result.candidates.allSatisfy { $0.entryId != entry }, "the larger face is the unlisted adult")
        let others = try #require(result.otherFaces)
        let hit = try #require(others.first { !$0.candidates.isEmpty })
        #expect(hit.candidates.first?.entryId == entry)
        #expect(hit.candidates.first?.protective == true && hit.candidates.first?.name == nil)
        #expect(hit.face.box != result.face?.box)
        #expect(result.decision == .reviewRequired)

        let replay = try await service.replay()
        #expect(replay.divergences.isEmpty && replay.agreed == replay.screenings, "\(replay)")
    }

    @Test("one face in the capture: no other_faces block")
    func singleFace() async throws {
        let service = try await makeService()
        let result = try await service.screen(face: try TestData.bytes(try TestData.identities("johns")[0].files[0]))
        #expect(result.face?.count == 1)
        #expect(result.otherFaces == nil)
    }
}
