import Foundation
import GRDB
import Testing
import VigilScreening
import VigilTestSupport

@Suite("Re-embedding the watchlist after a recognizer change", .enabled(if: TestData.shouldRunDataTests))
struct ReembedTests {
    @Test("templates of another model are rebuilt from their reference photos; entries without one are listed")
    func reembed() async throws {
        let path = temporaryDatabasePath()
        let people = try TestData.identities("lfw10")
        var ids: [UUID] = []
        do {
            let service = try await makeService(database: path)
            for person in people.prefix(2) {
                ids.append(try await service.enroll(name: person.identity, category: "wanted_other",
                                                    faces: [try TestData.bytes(person.files[0])]).id)
            }
        }
        do {
            var configuration = ServiceConfiguration()
            configuration.modelsDirectory = TestData.modelsDirectory
            configuration.databasePath = path
            configuration.keepFaceReferencePhotos = false
            let service = try await ScreeningService(configuration: configuration)
            ids.append(try await service.enroll(name: people[2].identity, category: "wanted_other",
                                                faces: [try TestData.bytes(people[2].files[0])]).id)
        }
        // As if the three had been enrolled by the previous recognizer.
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "UPDATE face_template SET model = 'dlib-resnet-v1'")
        }
        let service = try await makeService(database: path)
        #expect(service.faceTemplatesOfOtherModels == 3 && service.watchlistStatus.faceTemplates == 0)
        let probe = try TestData.bytes(people[0].files[1])
        #expect(try await service.screen(face: probe).candidates.isEmpty)
        let before = service.watchlistStatus.version

        let report = try await service.reembedFaces()
        #expect(report.rebuilt == 2 && report.failed.isEmpty)
        #expect(report.needReenrolment == [ids[2]])
        #expect(service.faceTemplatesOfOtherModels == 1 && service.watchlistStatus.faceTemplates == 2)
        #expect(service.watchlistStatus.version == before + 2)
        #expect(try await service.screen(face: probe).candidates.first?.entryId == ids[0])

        // The rebuilt templates survive a restart; running it again has nothing to do.
        let restarted = try await makeService(database: path)
        #expect(restarted.watchlistStatus.faceTemplates == 2)
        #expect(try await restarted.reembedFaces().rebuilt == 0)
        #expect(try await restarted.verifyAudit().ok)
    }
}
