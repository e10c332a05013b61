import Foundation
import Testing
import VigilTestSupport

/// Sharing between agencies, as two independent deployments do it: separate
/// databases and keys, `vigil` processes, and a bundle file between them.
@Suite("Signed watchlist bundles between two deployments", .enabled(if: TestData.shouldRunDataTests))
struct BundleTests {
    func run(_ arguments: [String]) async throws -> [String: Any] {
        let result = try await CLI.run(arguments + ["--json"])
        #expect(result.status == 0, "vigil \(arguments.prefix(2).joined(separator: " ")): \(result.stderr)")
        return try CLI.json(result)
    }

    func refusal(_ arguments: [String]) async throws -> String? {
        let result = try await CLI.run(arguments + ["--json"])
        #expect(result.status == 2, "\(result.stdout)")
        return ((try? CLI.json(result))?["error"] as? [String: Any])?["code"] as? String
    }

    @Test("a category's entries go to a trusting deployment once, keep their provenance and match there; the source's removal follows in the next bundle; an altered byte or an untrusted signer is refused")
    func roundTrip() async throws {
        let source = temporaryDatabasePath("vigil-bundle-source"), target = temporaryDatabasePath("vigil-bundle-target")
        let folder = URL(fileURLWithPath: source).deletingLastPathComponent()
        let people = try TestData.identities("lfw10").filter { $0.files.count >= 3 }
        let (shared, kept) = (people[0], people[1])
        func enrol(_ person: (identity: String, files: [String]), _ category: String) async throws -> String {
            try #require(try await run(["enroll", "--db", source, "--name", person.identity, "--category", category,
                                  "--face", TestData.url(person.files[0]).path])["id"] as? String)
        }
        let sharedID = try await enrol(shared, "missing_person")
        _ = try await enrol(kept, "wanted_other")

        let bundle = folder.appendingPathComponent("missing-\(UUID().uuidString.prefix(8)).bundle").path
        let sourceKey = folder.appendingPathComponent("source-\(UUID().uuidString.prefix(8)).pub").path
        _ = try await run(["watchlist", "export-bundle", "--db", source, "--category", "missing_person", "--agency", "FIA-Lahore", "--out", bundle])
        #expect(try await CLI.run(["audit", "public-key", "--db", source, "--output", sourceKey]).status == 0)
        // The target's own key is not the source's: its bundle is refused.
        let ownKey = folder.appendingPathComponent("target-\(UUID().uuidString.prefix(8)).pub").path
        #expect(try await CLI.run(["audit", "public-key", "--db", target, "--output", ownKey]).status == 0)
        #expect(try await refusal(["watchlist", "import-bundle", bundle, "--trust", ownKey, "--db", target]) == "forbidden")

        // One byte altered anywhere in the signed payload: refused, nothing stored.
        var altered = try #require(FileManager.default.contents(atPath: bundle))
        let envelope = try #require(try JSONSerialization.jsonObject(with: altered) as? [String: Any])
        let encoded = try #require(envelope["payload"] as? String)
        var payload = try #require(Data(base64Encoded: encoded))
        payload[payload.count / 2] ^= 0x01
        var tampered = envelope
        tampered["payload"] = payload.base64EncodedString()
        altered = try JSONSerialization.data(withJSONObject: tampered)
        let alteredPath = bundle + ".altered"
        #expect(FileManager.default.createFile(atPath: alteredPath, contents: altered))
        #expect(try await refusal(["watchlist", "import-bundle", alteredPath, "--trust", sourceKey, "--db", target]) == "forbidden")
        #expect(try await run(["watchlist", "version", "--db", target])["entries"] as? Int == 0)

        // Trusted: the one entry of the category arrives, once.
        let first = try await run(["watchlist", "import-bundle", bundle, "--trust", sourceKey, "--db", target])
        #expect(first["imported"] as? Int == 1 && first["removed"] as? Int == 0, "\(first)")
        let again = try await run(["watchlist", "import-bundle", bundle, "--trust", sourceKey, "--db", target])
        #expect(again["imported"] as? Int == 0 && again["already_present"] as? Int == 1, "\(again)")
        let listed = try await run(["watchlist", "list", "--db", target])
        let entries = try #require(listed["entries"] as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries.first?["external_ref"] as? String == "FIA-Lahore:\(sharedID)")
        #expect(entries.first?["issuing_authority"] as? String == "FIA-Lahore")
        #expect(entries.first?["category"] as? String == "missing_person")
        // Another photo of the person finds the imported entry at the target.
        let screened = try await run(["screen", "--db", target, "--face", TestData.url(shared.files[2]).path])
        let targetID = try #require(entries.first?["id"] as? String)
        #expect((screened["candidates"] as? [[String: Any]])?.contains { $0["entry_id"] as? String == targetID } == true, "\(screened)")

        // Removed at the source: the next bundle (since the first's version) removes it at the target.
        let since = try #require(try await run(["watchlist", "version", "--db", source])["version"] as? Int)
        _ = try await run(["watchlist", "remove", sharedID, "--db", source])
        let next = bundle + ".next"
        _ = try await run(["watchlist", "export-bundle", "--db", source, "--category", "missing_person", "--agency", "FIA-Lahore",
                     "--since", "\(since)", "--out", next])
        let second = try await run(["watchlist", "import-bundle", next, "--trust", sourceKey, "--db", target])
        #expect(second["removed"] as? Int == 1 && second["imported"] as? Int == 0, "\(second)")
        #expect(try await run(["watchlist", "version", "--db", target])["entries"] as? Int == 0)
    }
}
