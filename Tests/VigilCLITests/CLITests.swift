import Foundation
import Testing
import VigilTestSupport

/// Runs the `vigil` executable built beside the test bundle.
struct CLI {
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vigil")
    }

    struct Run { let status: Int32; let stdout: String; let stderr: String }

    /// `modelsDirectory` nil: for the commands that load no model (benchmarks of the matching core).
    /// The process is waited for on a Dispatch thread, not on the test's:
    /// a test blocked in a wait would hold one of the few cooperative
    /// threads the daemon clients and other tests running alongside need.
    static func run(_ arguments: [String], modelsDirectory: String? = TestData.modelsDirectory) async throws -> Run {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runBlocking(arguments, modelsDirectory: modelsDirectory) })
            }
        }
    }

    private static func runBlocking(_ arguments: [String], modelsDirectory: String?) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments + (modelsDirectory.map { ["--models-dir", $0] } ?? [])
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                   stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func json(_ run: Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }
}

@Suite("vigil command line", .enabled(if: TestData.shouldRunDataTests))
struct CLITests {
    @Test("enroll prints the entry id; screen finds it; errors exit 2 with their code")
    func enrolAndScreen() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: CLI.executable.path), "build the vigil product first")
        let db = temporaryDatabasePath("vigil-cli")
        let person = try TestData.identities("lfw10")[4]
        let enrol = try await CLI.run(["enroll", "--db", db, "--name", person.identity, "--category", "discreet_check",
                                 "--face", TestData.url(person.files[0]).path, "--face", TestData.url(person.files[1]).path])
        #expect(enrol.status == 0, "\(enrol.stderr)")
        let id = try #require(enrol.stdout.split(separator: "\n").last.map(String.init))
        #expect(UUID(uuidString: id) != nil)

        let screen = try await CLI.run(["screen", "--db", db, "--face", TestData.url(person.files[7]).path, "--json"])
        #expect(screen.status == 0, "\(screen.stderr)")
        let result = try CLI.json(screen)
        #expect(result["decision"] as? String == "review_required")
        #expect((result["candidates"] as? [[String: Any]])?.first?["entry_id"] as? String == id)

        let bad = try await CLI.run(["screen", "--db", db, "--face", "/etc/hostname", "--json"])
        #expect(bad.status == 2)
        #expect(((try CLI.json(bad))["error"] as? [String: Any])?["code"] as? String == "unsupported_image_format")

        let unknown = try await CLI.run(["enroll", "--db", db, "--name", "X", "--category", "nope", "--face", TestData.url(person.files[0]).path])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown_category"))

        // A face calibration handed over as the finger one stops the command before it screens.
        let faceFile = TestData.projectRoot.appendingPathComponent("docs/face-calibration.json").path
        let wrong = try await CLI.run(["screen", "--db", db, "--face", TestData.url(person.files[7]).path, "--finger-calibration", faceFile, "--json"])
        #expect(wrong.status == 2)
        #expect(((try CLI.json(wrong))["error"] as? [String: Any])?["code"] as? String == "invalid_field")
    }

    @Test("eval faces --json reports the documented keys")
    func evalFaces() async throws {
        let run = try await CLI.run(["eval", "faces", TestData.url("faces/johns").path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try CLI.json(run)
        #expect(report["genuine"] as? Int == 275)
        #expect(report["impostor"] as? Int == 1210)
        #expect(report["fte"] as? Double == 0)
        #expect(report["eer"] is Double)
        let tar = try #require(report["tar_at_far"] as? [String: Any])
        let thresholds = try #require(report["threshold_at_far"] as? [String: Any])
        #expect(Set(tar.keys) == ["0.01", "0.001"])
        #expect(Set(thresholds.keys) == ["0.01", "0.001"])
    }
}
