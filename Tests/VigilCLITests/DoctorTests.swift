import Foundation
import Testing
import VigilTestSupport

@Suite("vigil doctor", .enabled(if: TestData.shouldRunModelTests))
struct DoctorTests {
    func folder() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-doctor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
    }

    @Test("a fresh deployment passes; a corrupted model, a world-readable key, a certificate about to expire and a missing database are each named")
    func findings() async throws {
        let root = try folder()
        defer { try? FileManager.default.removeItem(at: root) }
        let db = root.appendingPathComponent("vigil.sqlite").path
        // What `make serve` leaves: a database created by the daemon's own start-up path.
        #expect(try await CLI.run(["token", "create", "--db", db, "--role", "admin", "--name", "doctor"]).status == 0)
        let fresh = try await CLI.run(["doctor", "--db", db])
        #expect(fresh.status == 0 && fresh.stdout.contains("all checks passed"), "\(fresh.stdout)\(fresh.stderr)")
        #expect(!fresh.stdout.contains("FAIL"))

        // A models folder where one network's bytes changed (the others are the real files).
        let models = root.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: TestData.modelsDirectory)
        where name.hasSuffix(".dat") || name.hasSuffix(".onnx") || name.hasSuffix(".pb") || name == "SHA256SUMS" {
            try FileManager.default.createSymbolicLink(atPath: models.appendingPathComponent(name).path,
                                                       withDestinationPath: TestData.modelsDirectory + "/" + name)
        }
        let corrupted = models.appendingPathComponent("shape_predictor_5_face_landmarks.dat").path
        try FileManager.default.removeItem(atPath: corrupted)
        try Data("not the landmark model".utf8).write(to: URL(fileURLWithPath: corrupted))
        let badModel = try await CLI.run(["doctor", "--db", db], modelsDirectory: models.path)
        #expect(badModel.status == 2)
        #expect(badModel.stdout.contains("FAIL model: \(corrupted): SHA-256"), "\(badModel.stdout)")

        // A key file others can read.
        chmod(db + ".audit-key", 0o644)
        let exposed = try await CLI.run(["doctor", "--db", db])
        #expect(exposed.status == 2 && exposed.stdout.contains("FAIL key: \(db).audit-key is readable by others (mode 644)"), "\(exposed.stdout)")
        chmod(db + ".audit-key", 0o600)

        // A certificate that expires in 10 days.
        let cert = root.appendingPathComponent("cert.pem").path, key = root.appendingPathComponent("key.pem").path
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "10", "-subj", "/CN=vigil", "-keyout", key, "-out", cert])
        let expiring = try await CLI.run(["doctor", "--db", db, "--tls-cert", cert, "--tls-key", key])
        #expect(expiring.status == 2 && expiring.stdout.contains("FAIL tls: \(cert) expires in"), "\(expiring.stdout)")

        let missing = try await CLI.run(["doctor", "--db", root.appendingPathComponent("nothing.sqlite").path, "--json"])
        #expect(missing.status == 2)
        let report = try CLI.json(missing)
        #expect(report["ok"] as? Bool == false)
        #expect((report["findings"] as? [[String: Any]])?.contains { $0["check"] as? String == "database" && $0["ok"] as? Bool == false } == true)
    }
}

@Suite("vigil serve --config in a real process", .enabled(if: TestData.shouldRunDataTests))
struct ServeConfigurationProcessTests {
    @Test("the configuration file knows every serve option, and no other")
    func keysMatchHelp() async throws {
        let help = try await CLI.run(["serve", "--help"])
        let pattern = try NSRegularExpression(pattern: #"--([a-z][a-z0-9-]+)"#)
        let options = Set(pattern.matches(in: help.stdout, range: NSRange(help.stdout.startIndex..., in: help.stdout)).map {
            String(help.stdout[Range($0.range(at: 1), in: help.stdout)!]).replacingOccurrences(of: "-", with: "_")
        }).subtracting(["help", "config", "version"])
        #expect(options == Set(["host", "port", "db", "database", "keys", "max_body_bytes", "import_root", "screening_retention_days", "retention_interval_minutes",
                                "checkpoint_every", "checkpoint_interval_minutes", "tls_cert", "tls_key", "allow_plain_http", "public_metrics",
                                "rate_limit", "max_concurrent_screenings", "keep_source_images", "no_face_reference_photos", "models_dir",
                                "threshold", "face_calibration", "finger_calibration", "recognizer", "previous_recognizer",
                                "upstream", "upstream_token", "upstream_key", "upstream_ca", "sync_interval_seconds", "stale_after_hours"]),
                "\(options.sorted())")
    }

    @Test("a daemon started from a file uses it; an unknown key stops it before it starts")
    func fromFile() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let config = root.appendingPathComponent("vigil.yaml").path
        try "max_body_bytes: 2000\nrate_limit: 0\n".write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try await DaemonProcess(database: root.appendingPathComponent("vigil.sqlite").path, importRoot: root.path, extra: ["--config", config])
        defer { daemon.terminate() }
        try await daemon.waitUntilReady()
        let large = try await daemon.send("POST", "/v1/watchlist/entries", token: daemon.adminToken,
                                          json: ["name": "X", "category": "wanted_other", "face": String(repeating: "A", count: 4000)])
        #expect(large.status == 413, "the file's max_body_bytes applies")

        let misspelt = root.appendingPathComponent("bad.yaml").path
        try "tls_crt: /etc/vigil/cert.pem\n".write(toFile: misspelt, atomically: true, encoding: .utf8)
        let refused = try await CLI.run(["serve", "--config", misspelt, "--db", root.appendingPathComponent("other.sqlite").path])
        #expect(refused.status == 2 && refused.stderr.contains("unknown key 'tls_crt' (did you mean 'tls_cert'?)"), "\(refused.stderr)")
    }
}
