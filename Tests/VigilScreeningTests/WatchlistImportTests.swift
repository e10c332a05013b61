import Foundation
import Testing
import VigilScreening
import VigilTestSupport

/// A manifest folder in a temporary directory, with the test data linked in
/// as `data/` so sample paths are relative to the manifest.
struct ManifestFolder {
    let root: URL

    init() throws {
        root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("data"), withDestinationURL: TestData.root)
    }

    /// Writes lines (objects as JSON, strings as they are) and returns the manifest path.
    func write(_ lines: [Any], name: String = "manifest.jsonl") throws -> String {
        let text = try lines.map { line -> String in
            if let raw = line as? String { return raw }
            return String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self)
        }.joined(separator: "\n") + "\n"
        let url = root.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

@Suite("Bulk import of watchlist manifests", .enabled(if: TestData.shouldRunDataTests))
struct WatchlistImportTests {
    @Test("good lines are imported, each bad line is reported as 'line N: reason', and a re-run imports nothing twice")
    func badLinesAndIdempotence() async throws {
        let folder = try ManifestFolder()
        let people = try TestData.identities("lfw10")
        var lines: [Any] = people.prefix(6).enumerated().map { n, person in
            ["external_ref": "REF-\(n)", "name": person.identity, "category": n == 0 ? "potential_victim" : "wanted_trafficking",
             "faces": ["data/\(person.files[0])"], "nationality": "GBR", "expires_at": "2099-12-31"] as [String: Any]
        }
        lines.insert("{\"name\": \"broken", at: 2)                                                                            // line 3
        lines.append(["external_ref": "REF-1", "name": "Again", "category": "wanted_other", "faces": ["data/\(people[1].files[1])"]])  // 8
        lines.append(["external_ref": "M", "name": "Missing", "category": "wanted_other", "faces": ["data/faces/none.jpg"]])          // 9
        lines.append(["external_ref": "C", "name": "Category", "category": "villain", "faces": ["data/\(people[7].files[0])"]])       // 10
        lines.append(["external_ref": "D", "name": "Date", "category": "wanted_other", "expires_at": "2030-02-31",
                      "faces": ["data/\(people[7].files[0])"]])                                                                      // 11
        lines.append(["external_ref": "N", "name": "No face", "category": "wanted_other", "faces": ["data/faces/scenes/dogs.jpg"]])   // 12
        lines.append(["external_ref": "U", "name": "Unknown field", "category": "wanted_other", "colour": "red",
                      "faces": ["data/\(people[8].files[0])"]])                                                                      // 13
        lines.append("")                                                                                                     // blank: ignored
        lines.append(["external_ref": "F", "name": "Fingers", "category": "missing_person",
                      "fingers": ["right_index": "data/fingerprints/FVC2002/DB1_B/101_1.iso"]])                                      // 15
        let manifest = try folder.write(lines)

        let service = try await makeService()
        let report = try await service.importManifest(at: manifest)
        #expect(report.lines == 14 && report.imported == 7 && report.skipped.isEmpty)
        #expect(report.rejected.map(\.text) == [
            "line 3: invalid JSON",
            "line 8: duplicate of line 2",
            "line 9: cannot read 'data/faces/none.jpg'",
            "line 10: category 'villain' is not one of: discreet_check, missing_person, potential_victim, refuse_entry, wanted_other, wanted_trafficking",
            "line 11: bad date in expires_at",
            "line 12: face[0]: no face found",
            "line 13: unknown field 'colour'",
        ])
        #expect(report.rejected.map(\.code) == ["malformed_json", "duplicate_entry", "not_found", "unknown_category", "invalid_field",
                                               "no_face_found", "invalid_field"])
        #expect(report.version == 7 && service.watchlistStatus.entries == 7)

        // Imported entries are matchable at once.
        let hit = try await service.screen(face: try TestData.bytes(people[3].files[2]))
        #expect(hit.candidates.first?.name == people[3].identity)

        // A second run skips every imported reference and rejects the same lines.
        let again = try await service.importManifest(at: manifest)
        #expect(again.imported == 0 && again.skipped.count == 7 && again.rejected.count == 7)
        #expect(service.watchlistStatus.entries == 7 && service.watchlistStatus.version == 7)
    }

    @Test("a 10,000-line manifest with one bad line imports the other 9,999")
    func tenThousandLines() async throws {
        let folder = try ManifestFolder()
        let prints = (101...110).flatMap { finger in (1...8).map { "data/fingerprints/FVC2002/DB1_B/\(finger)_\($0).iso" } }
        var lines: [Any] = (0..<10_000).map { n in
            ["external_ref": "FP-\(n)", "name": "Person \(n)", "category": "wanted_other",
             "fingers": ["right_index": prints[n % prints.count]]] as [String: Any]
        }
        lines[4_321] = "{\"external_ref\": \"FP-4321\", \"name\": 12}"
        let manifest = try folder.write(lines)
        var configuration = ServiceConfiguration()
        configuration.modelsDirectory = TestData.modelsDirectory
        configuration.databasePath = temporaryDatabasePath()
        configuration.importBatchSize = 500
        let service = try await ScreeningService(configuration: configuration)
        let report = try await service.importManifest(at: manifest)
        #expect(report.imported == 9_999)
        #expect(report.rejected.map(\.text) == ["line 4322: field 'name' has the wrong type"])
        #expect(service.watchlistStatus.fingerTemplates == 9_999)
        let counts = try await service.storeCounts()
        #expect(counts.entries == 9_999 && counts.events == 9_999)
    }

    @Test("confined to an import folder: absolute paths, '..' and symlinks out of it are refused")
    func confinement() async throws {
        let folder = try ManifestFolder()
        let people = try TestData.identities("lfw10")
        let outside = try ManifestFolder()
        let secret = outside.root.appendingPathComponent("secret.jpg")
        try FileManager.default.copyItem(at: TestData.url(people[0].files[0]), to: secret)
        try FileManager.default.createSymbolicLink(at: folder.root.appendingPathComponent("link.jpg"), withDestinationURL: secret)
        let manifest = try folder.write([
            ["name": "Absolute", "category": "wanted_other", "faces": [secret.path]],
            ["name": "Dots", "category": "wanted_other", "faces": ["../\(outside.root.lastPathComponent)/secret.jpg"]],
            ["name": "Link", "category": "wanted_other", "faces": ["link.jpg"]],
        ])
        let service = try await makeService()
        // Test data is linked in as data/, which also points out: confine to a folder without it.
        let report = try await service.importManifest(at: URL(fileURLWithPath: manifest).lastPathComponent, confinedTo: folder.root.path)
        #expect(report.imported == 0)
        #expect(report.rejected.map(\.reason) == [
            "sample path '\(secret.path)' must be relative",
            "sample path '../\(outside.root.lastPathComponent)/secret.jpg' leaves the import folder",
            "sample path 'link.jpg' leaves the import folder",
        ])
        await expectError(.invalidField) { _ = try await service.importManifest(at: "../manifest.jsonl", confinedTo: folder.root.path) }
        await expectError(.invalidField) { _ = try await service.importManifest(at: "/etc/passwd", confinedTo: folder.root.path) }
        await expectError(.notFound) { _ = try await service.importManifest(at: "absent.jsonl", confinedTo: folder.root.path) }
        #expect(try await service.storeCounts().entries == 0)
    }
}
