import Foundation
import Testing
import VigilTestSupport

@Suite("Operating a real daemon process", .enabled(if: TestData.shouldRunDataTests), .serialized)
struct OperationsProcessTests {
    func token(_ database: String, role: String, name: String) async throws -> String {
        let created = try await CLI.run(["token", "create", "--db", database, "--role", role, "--name", name])
        return try #require(created.stdout.split(separator: "\n").last.map(String.init))
    }

    @Test("JSON log lines lead from a request to its audit record; no name, document, token or photo in the log; SIGTERM checkpoints the chain")
    func logsRequestIDsAndShutdown() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-ops-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let database = root.appendingPathComponent("vigil.sqlite").path
        let post = try await token(database, role: "post", name: "torkham-3")
        let auditor = try await token(database, role: "auditor", name: "auditor-1")
        let daemon = try await DaemonProcess(database: database, importRoot: root.path)
        defer { daemon.terminate() }
        try await daemon.waitUntilReady()

        let person = try TestData.identities("lfw10")[0]
        let photos = try person.files.prefix(2).map { Data(try TestData.bytes($0)).base64EncodedString() }
        let (name, alias, document) = ("Zarmina Qadirzai", "Gul Bibi Alias", "PK-DOC-93817")
        let enrolled = try await daemon.send("POST", "/v1/watchlist/entries", token: daemon.adminToken, json: [
            "name": name, "category": "missing_person", "aliases": [alias],
            "documents": [["type": "passport", "number": document, "issuing_country": "PAK"]], "face": photos[0]])
        #expect(enrolled.status == 201)

        let screened = try await daemon.send("POST", "/v1/screenings", token: post, json: ["face": photos[1]])
        #expect(screened.status == 200)
        let requestID = try #require(screened.headers["X-Request-Id"] as? String)
        let screeningID = try #require(screened.body["id"] as? String)

        // The audit record of that screening carries the same request id.
        let records = try await daemon.send("GET", "/v1/audit/records?action=screening", token: auditor)
        let record = try #require((records.body["records"] as? [[String: Any]])?.first { $0["subject"] as? String == screeningID })
        #expect(record["request_id"] as? String == requestID)

        // SIGTERM: a clean exit, with the chain's head signed.
        daemon.terminate()
        #expect(daemon.process.terminationStatus == 0)
        let log = try String(contentsOf: daemon.log, encoding: .utf8)
        let lines = log.split(separator: "\n").filter { $0.hasPrefix("{") }
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        #expect(!objects.isEmpty && objects.count == lines.count, "every log line is one JSON object of strings")
        #expect(objects.allSatisfy { $0["ts"] != nil && $0["level"] != nil && $0["message"] != nil })
        #expect(objects.contains { $0["hb.request.id"] == requestID && $0["message"] == "screening" && $0["screening_id"] == screeningID })
        #expect(objects.contains { $0["message"]?.contains("checkpointed") == true })
        for secret in [name, alias, document, daemon.adminToken, post, auditor] + photos.map({ String($0.prefix(40)) }) {
            #expect(!log.contains(secret), "the log holds something it must not")
        }
        let verified = try CLI.json(try await CLI.run(["audit", "verify", "--db", database, "--json"]))
        #expect(verified["ok"] as? Bool == true)
        let signed = try #require(verified["signed_through"] as? Int)
        #expect(signed >= (record["seq"] as? Int ?? .max), "the screening's record is under a signed checkpoint")
    }
}
