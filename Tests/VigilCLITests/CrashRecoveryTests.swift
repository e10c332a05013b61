import Foundation
import Testing
import VigilTestSupport

@Suite("Crash safety of bulk imports on a real daemon process", .enabled(if: TestData.shouldRunDataTests), .serialized)
struct CrashRecoveryTests {
    @Test("kill -9 in the middle of an import: every acknowledged entry survives whole and matchable, versions have no holes, a re-run completes it")
    func killDuringImport() async throws {
        let (root, photos) = try PhotoFolder.make("vigil-crash")
        let total = 1_200
        try PhotoFolder.writeManifest(total, in: root, photos: photos)
        let database = root.appendingPathComponent("vigil.sqlite").path

        let daemon = try await DaemonProcess(database: database, importRoot: root.path)
        defer { daemon.terminate() }
        try await daemon.waitUntilReady()
        let acknowledged = try await daemon.importUntil("m.jsonl", acknowledged: 200)
        daemon.kill9()
        #expect(acknowledged < total)
        // The operator's log names no person and shows no token.
        let log = (try? String(contentsOf: daemon.log, encoding: .utf8)) ?? ""
        #expect(!log.isEmpty && !log.contains("Person ") && !log.contains(daemon.adminToken) && !log.contains("K-1"))

        // After the crash: what was acknowledged is there, whole.
        let listed = try CLI.json(try await CLI.run(["watchlist", "list", "--db", database, "--limit", "1000", "--json"]))
        let entries = try #require(listed["entries"] as? [[String: Any]])
        let version = try #require(listed["version"] as? Int)
        #expect(entries.count >= acknowledged && entries.count < total)
        let refs = Set(entries.compactMap { $0["external_ref"] as? String })
        #expect((0..<acknowledged).allSatisfy { refs.contains("K-\($0)") }, "an acknowledged entry is missing")
        #expect(entries.allSatisfy { ($0["samples"] as? [Any])?.count == 1 }, "an entry without its template")
        let history = try CLI.json(try await CLI.run(["watchlist", "history", "--db", database, "--limit", "5000", "--json"]))
        let versions = try #require(history["events"] as? [[String: Any]]).compactMap { $0["version"] as? Int }
        #expect(versions == Array(1...version) && versions.count == entries.count, "the version sequence has holes")
        let counts = try CLI.json(try await CLI.run(["watchlist", "version", "--db", database, "--json"]))
        #expect(counts["face_templates"] as? Int == entries.count, "a template without its entry")

        // Matchable: a photo of an acknowledged entry's person finds it.
        let screen = try CLI.json(try await CLI.run(["screen", "--db", database, "--face", TestData.url(photos[0]).path, "--json"]))
        let candidates = try #require(screen["candidates"] as? [[String: Any]])
        let firstID = entries.first { $0["external_ref"] as? String == "K-0" }?["id"] as? String
        #expect(candidates.contains { $0["entry_id"] as? String == firstID })

        // Re-running the manifest completes the import without duplicates.
        let rerun = try await CLI.run(["import", "--db", database, root.appendingPathComponent("m.jsonl").path, "--json"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let report = try CLI.json(rerun)
        #expect((report["imported"] as? Int ?? 0) + ((report["skipped"] as? [Any])?.count ?? 0) == total)
        let final = try CLI.json(try await CLI.run(["watchlist", "version", "--db", database, "--json"]))
        #expect(final["entries"] as? Int == total && final["version"] as? Int == total)
    }
}
