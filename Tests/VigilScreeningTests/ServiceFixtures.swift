import Foundation
import Testing
import VigilScreening
import VigilTestSupport

/// A service on a fresh database in a temporary folder; `adjust` changes its configuration.
func makeService(database: String? = nil, _ adjust: (inout ServiceConfiguration) -> Void = { _ in }) async throws -> ScreeningService {
    var configuration = ServiceConfiguration()
    configuration.modelsDirectory = TestData.modelsDirectory
    configuration.databasePath = database ?? temporaryDatabasePath()
    adjust(&configuration)
    return try await ScreeningService(configuration: configuration)
}

/// Enrols the first photo of each lfw10 identity; returns identity -> entry id.
func enrollFirstPhotos(_ service: ScreeningService) async throws -> [String: UUID] {
    var ids: [String: UUID] = [:]
    for person in try TestData.identities("lfw10") {
        let result = try await service.enroll(name: person.identity, category: "wanted_trafficking",
                                              faces: [try TestData.bytes(person.files[0])])
        ids[person.identity] = result.id
    }
    return ids
}

/// Expects `body` to throw a `VigilError` with `code`.
func expectError(_ code: VigilError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(code.rawValue), got success", sourceLocation: sourceLocation)
    } catch let error as VigilError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
}
