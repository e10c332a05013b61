import Foundation
import Testing
import VigilTestSupport

@Suite("HTTPS and the plain-HTTP rule", .enabled(if: TestData.shouldRunDataTests))
struct TLSTests {
    func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("--tls-cert/--tls-key serve HTTPS; plain HTTP beyond loopback is refused unless allowed")
    func https() async throws {
        let folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let cert = folder.appendingPathComponent("cert.pem").path, key = folder.appendingPathComponent("key.pem").path
        let made = try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                                "-keyout", key, "-out", cert])
        try #require(made.status == 0, "openssl: \(made.output)")
        let db = folder.appendingPathComponent("vigil.sqlite").path
        let daemon = try await DaemonProcess(database: db, importRoot: folder.path, extra: ["--tls-cert", cert, "--tls-key", key])
        defer { daemon.terminate() }
        try await daemon.waitUntilReady()
        let https = try run("/usr/bin/curl", ["-sk", "https://127.0.0.1:\(daemon.port)/v1/health"])
        #expect(https.output.contains("\"status\":\"ok\""), "\(https.output)")
        let plain = try run("/usr/bin/curl", ["-s", "-m", "5", "http://127.0.0.1:\(daemon.port)/v1/health"])
        #expect(!plain.output.contains("\"status\""), "plain HTTP answered on the TLS port")

        let exposed = try await CLI.run(["serve", "--db", db, "--host", "0.0.0.0", "--port", "\(try DaemonProcess.freePort())"])
        #expect(exposed.status == 2 && exposed.stderr.contains("plain HTTP is served on loopback only"))
        let half = try await CLI.run(["serve", "--db", db, "--tls-cert", cert])
        #expect(half.status == 2 && half.stderr.contains("go together"))
    }
}
