import Foundation
import GRDB
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

    @Test("enrolment takes the face the administrator boxes, else the largest; a box around no face is refused")
    func subjectByBox() async throws {
        let path = temporaryDatabasePath()
        let service = try await makeService(database: path)
        let people = try TestData.identities("lfw10")
        let (left, right) = (people[2], people[3])
        // 250x250 beside 200x200, centred: the right face lies in x 250..<450.
        let capture = try ComposedCapture.sideBySide(left.files[0], right.files[0], rightScale: 0.8)
        let picked = try await service.enroll(EntryDetails(name: right.identity, category: "wanted_other"), faces: [capture],
                                              subjects: [FaceBox(x: 250, y: 0, width: 200, height: 250)])
        #expect((picked.faces.first?.box?.x ?? 0) >= 250)
        let largest = try await service.enroll(EntryDetails(name: left.identity, category: "wanted_other"), faces: [capture])
        #expect((largest.faces.first?.box?.x ?? 999) < 250)

        // The boxed face is the one enrolled: the right-hand person's other photos find that entry.
        var hits = 0
        for file in right.files.dropFirst().prefix(4) {
            let top = try await service.screen(face: try TestData.bytes(file)).candidates.first?.entryId
            #expect(top != largest.id)
            if top == picked.id { hits += 1 }
        }
        #expect(hits >= 3)

        let before = service.watchlistStatus.version
        await expectError(.noFaceFound) {
            _ = try await service.enroll(EntryDetails(name: "Nobody", category: "wanted_other"), faces: [capture],
                                         subjects: [FaceBox(x: 0, y: 0, width: 20, height: 20)])
        }
        #expect(service.watchlistStatus.version == before)

        // Re-embedding rebuilds the boxed face, not the largest, from the kept photo.
        try await DatabaseQueue(path: path).write { db in try db.execute(sql: "UPDATE face_template SET model = 'previous-recognizer'") }
        let restarted = try await makeService(database: path)
        #expect(try await restarted.reembedFaces().rebuilt == 2)
        var rebuiltHits = 0
        for file in right.files.dropFirst().prefix(4) where try await restarted.screen(face: try TestData.bytes(file)).candidates.first?.entryId == picked.id {
            rebuiltHits += 1
        }
        #expect(rebuiltHits >= 3)
    }
}
