import Foundation
import Testing
import VigilTestSupport

@Suite("vigil audit on the command line", .enabled(if: TestData.shouldRunDataTests))
struct AuditCLITests {
    @Test("verify and replay exit 0 on an intact log and 1 against a foreign key; keys are owner-only; export writes every record")
    func verifyReplayExport() async throws {
        let db = temporaryDatabasePath("vigil-audit-cli")
        let person = try TestData.identities("lfw10")[2]
        let enrol = try await CLI.run(["enroll", "--db", db, "--name", "P", "--category", "refuse_entry", "--face", TestData.url(person.files[0]).path])
        #expect(enrol.status == 0, "\(enrol.stderr)")
        for file in person.files.prefix(4).dropFirst() {
            #expect(try await CLI.run(["screen", "--db", db, "--face", TestData.url(file).path]).status == 0)
        }
        for key in [".data-key", ".audit-key"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: db + key)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(key)")
        }

        let verify = try await CLI.run(["audit", "verify", "--db", db, "--json"])
        #expect(verify.status == 0, "\(verify.stderr)")
        let verification = try CLI.json(verify)
        #expect(verification["ok"] as? Bool == true && verification["records"] as? Int == 4 && verification["signed_through"] as? Int == 0)

        #expect(try await CLI.run(["audit", "checkpoint", "--db", db]).status == 0)
        let keyFile = db + ".pub"
        #expect(try await CLI.run(["audit", "public-key", "--db", db, "--output", keyFile]).status == 0)
        #expect(try await CLI.run(["audit", "verify", "--db", db, "--public-key", keyFile]).status == 0)
        let foreign = db + ".foreign.pub"
        try (String(repeating: "0f", count: 32) + "\n").write(toFile: foreign, atomically: true, encoding: .utf8)
        let refused = try await CLI.run(["audit", "verify", "--db", db, "--public-key", foreign, "--json"])
        #expect(refused.status != 0)

        let replay = try await CLI.run(["audit", "replay", "--db", db, "--json"])
        #expect(replay.status == 0, "\(replay.stderr)")
        let report = try CLI.json(replay)
        #expect(report["screenings"] as? Int == 3 && report["agreed"] as? Int == 3 && (report["divergences"] as? [Any])?.isEmpty == true)

        let export = try await CLI.run(["audit", "export", "--db", db])
        let lines = export.stdout.split(separator: "\n")
        // enrol, 3 screenings, and the verifications and replay themselves.
        #expect(lines.count >= 8 && lines.allSatisfy { $0.hasPrefix("{") && $0.contains("\"hash\"") })
        #expect(lines.contains { $0.contains("\"actor_id\":\"cli:") })
    }
}

@Suite("vigil token", .enabled(if: TestData.shouldRunDataTests))
struct TokenCLITests {
    @Test("create prints the token alone on its last line; list never shows secrets; revoke ends it; a bad role is refused")
    func lifecycle() async throws {
        let db = temporaryDatabasePath("vigil-token-cli")
        let created = try await CLI.run(["token", "create", "--db", db, "--role", "auditor", "--name", "Auditor A"])
        #expect(created.status == 0, "\(created.stderr)")
        let secret = try #require(created.stdout.split(separator: "\n").last.map(String.init))
        #expect(secret.hasPrefix("vigil_") && secret.count == 6 + 12 + 1 + 64)
        let listed = try await CLI.run(["token", "list", "--db", db, "--json"])
        #expect(!listed.stdout.contains(String(secret.suffix(64))))
        let tokens = try #require(try CLI.json(listed)["tokens"] as? [[String: Any]])
        let id = try #require(tokens.first?["id"] as? String)
        #expect(tokens.first?["role"] as? String == "auditor" && tokens.first?["revoked_at"] == nil)
        #expect(try await CLI.run(["token", "revoke", id, "--db", db]).status == 0)
        #expect(try await CLI.run(["token", "revoke", id, "--db", db]).status == 2)
        let bad = try await CLI.run(["token", "create", "--db", db, "--role", "root", "--name", "x"])
        #expect(bad.status == 2 && bad.stderr.contains("invalid_field"))
    }
}
