import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilScreening
import VigilTestSupport
import VigilVision

@Suite("Watchlist administration over real HTTP", .enabled(if: TestData.shouldRunDataTests))
struct WatchlistHTTPTests {
    static let jsonType: HTTPFields = [.contentType: "application/json"]

    @Test("entries: create with details, read, list with filters and pages, update, add and remove samples, delete")
    func entryLifecycle() async throws {
        let (_, app, tokens) = try await makeDaemon()
        let people = try TestData.identities("lfw10")
        let photos = try (0..<3).map { Data(try TestData.bytes(people[$0].files[0])).base64EncodedString() }
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            var ids: [String] = []
            for n in 0..<3 {
                let body = json(["name": people[n].identity, "category": n == 2 ? "missing_person" : "wanted_trafficking",
                                 "aliases": ["Alias \(n)"], "date_of_birth": "1960", "nationality": "usa",
                                 "documents": [["type": "passport", "number": "P\(n)", "issuing_country": "USA"]],
                                 "legal_basis": "Warrant \(n)", "expires_at": n == 0 ? "2099-01-01" : NSNull(), "external_ref": "X-\(n)",
                                 "face": photos[n]])
                let created = try await client.execute(uri: "/v1/watchlist/entries", method: .post, headers: Self.jsonType, body: body) {
                    #expect($0.status == .created)
                    return try decode($0)
                }
                ids.append(try #require(created["id"] as? String))
            }
            let entry = try await client.execute(uri: "/v1/watchlist/entries/\(ids[0])", method: .get) { try decode($0) }
            #expect(entry["name"] as? String == people[0].identity && entry["nationality"] as? String == "USA")
            #expect(entry["aliases"] as? [String] == ["Alias 0"] && entry["legal_basis"] as? String == "Warrant 0")
            #expect((entry["documents"] as? [[String: Any]])?.first?["number"] as? String == "P0")
            #expect(entry["expires_at"] as? String == "2099-01-01T00:00:00Z")
            let samples = try #require(entry["samples"] as? [[String: Any]])
            #expect(samples.count == 1 && (samples[0]["digest"] as? String)?.count == 64)

            let wanted = try await client.execute(uri: "/v1/watchlist/entries?category=wanted_trafficking&limit=1", method: .get) { try decode($0) }
            #expect(wanted["total"] as? Int == 2 && (wanted["entries"] as? [[String: Any]])?.count == 1 && wanted["version"] as? Int == 3)
            let secondPage = try await client.execute(uri: "/v1/watchlist/entries?category=wanted_trafficking&limit=1&offset=1", method: .get) { try decode($0) }
            #expect((secondPage["entries"] as? [[String: Any]])?.first?["id"] as? String == ids[1])
            let expiring = try await client.execute(uri: "/v1/watchlist/entries?expires_before=2100-01-01", method: .get) { try decode($0) }
            #expect((expiring["entries"] as? [[String: Any]])?.map { $0["id"] as? String } == [ids[0]])

            let patched = try await client.execute(uri: "/v1/watchlist/entries/\(ids[0])", method: .patch, headers: Self.jsonType,
                                                   body: json(["category": "refuse_entry", "expires_at": NSNull(), "aliases": []])) {
                #expect($0.status == .ok)
                return try decode($0)
            }
            #expect(patched["category"] as? String == "refuse_entry" && patched["expires_at"] == nil && patched["updated_version"] as? Int == 4)
            #expect(patched["name"] as? String == people[0].identity && patched["legal_basis"] as? String == "Warrant 0")

            var form = Multipart()
            form.file("faces", try TestData.bytes(people[0].files[1]))
            let added = try await client.execute(uri: "/v1/watchlist/entries/\(ids[0])/samples", method: .post,
                                                 headers: [.contentType: form.contentType], body: form.finished()) {
                #expect($0.status == .created)
                return try decode($0)
            }
            let sampleIDs = try #require((added["samples"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
            #expect(sampleIDs.count == 2)
            let trimmed = try await client.execute(uri: "/v1/watchlist/entries/\(ids[0])/samples/\(sampleIDs[0])", method: .delete) { try decode($0) }
            #expect((trimmed["samples"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [sampleIDs[1]])

            let removed = try await client.execute(uri: "/v1/watchlist/entries/\(ids[1])", method: .delete) { try decode($0) }
            #expect(removed["version"] as? Int == 7)
            try await client.execute(uri: "/v1/watchlist/entries/\(ids[1])", method: .get) { #expect($0.status == .notFound) }

            let version = try await client.execute(uri: "/v1/watchlist/version", method: .get) { try decode($0) }
            #expect(version["version"] as? Int == 7 && version["entries"] as? Int == 2 && version["face_templates"] as? Int == 2)
            let events = try await client.execute(uri: "/v1/watchlist/events?from=4", method: .get) { try decode($0) }
            #expect((events["events"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["update", "add_sample", "remove_sample", "remove"])

            // A protective hit over HTTP shows the action, not the identity.
            var probe = Multipart()
            probe.file("face", try TestData.bytes(people[2].files[3]))
            let screening = try await client.execute(uri: "/v1/screenings", method: .post, headers: [.contentType: probe.contentType],
                                                     body: probe.finished()) { try decode($0) }
            let hit = try #require((screening["candidates"] as? [[String: Any]])?.first)
            #expect(hit["entry_id"] as? String == ids[2] && hit["protective"] as? Bool == true && hit["name"] == nil && hit["aliases"] == nil)
        }
    }

    @Test("categories are listed and changed; a change is a versioned event")
    func categories() async throws {
        let (_, app, tokens) = try await makeDaemon()
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            let listed = try await client.execute(uri: "/v1/watchlist/categories", method: .get) { try decode($0) }
            let categories = try #require(listed["categories"] as? [[String: Any]])
            #expect(Set(categories.compactMap { $0["name"] as? String }) ==
                    ["wanted_trafficking", "wanted_other", "refuse_entry", "missing_person", "potential_victim", "discreet_check"])
            #expect(categories.filter { $0["protective"] as? Bool == true }.compactMap { $0["name"] as? String }.sorted() == ["missing_person", "potential_victim"])
            let body = json(["description": "Labour exploitation suspect", "protective": false, "match_threshold": 0.9,
                             "confirmations": 2, "action": "Verify identity; two officers confirm before any arrest."])
            let set = try await client.execute(uri: "/v1/watchlist/categories/labour_exploitation", method: .put, headers: Self.jsonType, body: body) {
                #expect($0.status == .ok)
                return try decode($0)
            }
            #expect(set["version"] as? Int == 1)
            let after = try await client.execute(uri: "/v1/watchlist/categories", method: .get) { try decode($0) }
            #expect((after["categories"] as? [[String: Any]])?.contains { $0["name"] as? String == "labour_exploitation" && $0["confirmations"] as? Int == 2 } == true)
        }
    }

    @Test("imports over HTTP: confined to the import folder, waited for or polled until done")
    func imports() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-http-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // Finger templates, not photos: what is tested is the import over HTTP, and face analysis at
        // import priority waits behind every other suite's interactive analyses on a busy CI machine.
        for n in 0..<4 {
            try FileManager.default.copyItem(at: TestData.url("fingerprints/FVC2002/DB1_B/10\(n + 1)_1.iso"), to: root.appendingPathComponent("f\(n).iso"))
        }
        let lines = (0..<4).map { "{\"external_ref\": \"H-\($0)\", \"name\": \"P\($0)\", \"category\": \"wanted_other\", \"fingers\": {\"right_index\": \"f\($0).iso\"}}" }
            + ["{\"name\": \"Escape\", \"category\": \"wanted_other\", \"faces\": [\"../../etc/hostname\"]}"]
        try (lines.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent("m.jsonl"), atomically: true, encoding: .utf8)

        let (_, app, tokens) = try await makeDaemon(importRoot: root.path)
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            let waited = try await client.execute(uri: "/v1/watchlist/imports", method: .post, headers: Self.jsonType,
                                                  body: json(["manifest": "m.jsonl", "wait": true])) {
                #expect($0.status == .ok)
                return try decode($0)
            }
            let report = try #require(waited["report"] as? [String: Any])
            #expect(report["imported"] as? Int == 4)
            #expect((report["rejected"] as? [[String: Any]])?.first?["line"] as? Int == 5)
            #expect(((report["rejected"] as? [[String: Any]])?.first?["reason"] as? String)?.contains("leaves the import folder") == true)

            let started = try await client.execute(uri: "/v1/watchlist/imports", method: .post, headers: Self.jsonType,
                                                   body: json(["manifest": "m.jsonl"])) {
                #expect($0.status == .accepted)
                return try decode($0)
            }
            let id = try #require(started["id"] as? String)
            var status: [String: Any] = [:]
            for _ in 0..<100 {
                status = try await client.execute(uri: "/v1/watchlist/imports/\(id)", method: .get) { try decode($0) }
                if status["status"] as? String != "running" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status["status"] as? String == "done")
            #expect((status["report"] as? [String: Any])?["imported"] as? Int == 0)
            #expect(((status["report"] as? [String: Any])?["skipped"] as? [Any])?.count == 4)

            let escape = try await client.execute(uri: "/v1/watchlist/imports", method: .post, headers: Self.jsonType,
                                                  body: json(["manifest": "../m.jsonl", "wait": true])) { $0 }
            #expect(escape.status == .badRequest)
            #expect(try errorCode(escape) == "invalid_field")
            try await client.execute(uri: "/v1/watchlist/imports/\(UUID())", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test("transactions imported over HTTP with a mapping file, confined to the import folder; a transaction import without its category is refused")
    func transactionImports() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-http-nist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // Fingers (uncompressed Type-14), not faces, for the reason given in imports().
        for n in 0..<2 {
            let print = try DecodedImage.decode(try TestData.bytes("fingerprints/FVC2002/DB1_B/10\(n + 1)_1.tif"))
            let bytes = try TestTransactions.make(tcn: "HTTP-\(n)", name: "PERSON,NUMBER \(n)", face: nil,
                                                  finger: .init(position: 2, width: print.width, height: print.height, pixels: print.pixels))
            try Data(bytes).write(to: root.appendingPathComponent("t\(n).an2"))
        }
        try Data(#"{"name": "{2.018|name}", "external_ref": "{1.009}"}"#.utf8).write(to: root.appendingPathComponent("mapping.json"))
        let (service, app, tokens) = try await makeDaemon(importRoot: root.path)
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            let waited = try await client.execute(uri: "/v1/watchlist/imports", method: .post, headers: Self.jsonType,
                                                  body: json(["transactions": ["t0.an2", "t1.an2", "../t0.an2"], "category": "wanted_other",
                                                              "mapping": "mapping.json", "wait": true])) { try decode($0) }
            let report = try #require(waited["report"] as? [String: Any])
            #expect(report["imported"] as? Int == 2 && (report["rejected"] as? [[String: Any]])?.first?["line"] as? Int == 3, "\(waited)")
            let refused = try await client.execute(uri: "/v1/watchlist/imports", method: .post, headers: Self.jsonType,
                                                   body: json(["transactions": ["t0.an2"]])) { $0 }
            #expect(try refused.status == .badRequest && errorCode(refused) == "missing_field")
        }
        let found = try await service.screen(face: nil, fingers: [FingerSample(position: .rightIndex,
                                                                               bytes: try TestData.bytes("fingerprints/FVC2002/DB1_B/102_2.tif"))])
        let entry = try await service.entry(id: try #require(found.candidates.first?.entryId))
        #expect(entry.details.name == "NUMBER 1 PERSON" && entry.details.externalRef == "HTTP-1")
    }

    @Test("re-embedding over HTTP: started in the background, polled until done, templates searchable again")
    func reembed() async throws {
        let path = temporaryDatabasePath("vigil-http")
        let people = try TestData.identities("lfw10")
        do {
            let (service, _, _) = try await makeDaemon(database: path)
            for person in people.prefix(2) {
                _ = try await service.enroll(name: person.identity, category: "wanted_other", faces: [try TestData.bytes(person.files[0])])
            }
        }
        // As if enrolled by the previous recognizer.
        try await DatabaseQueue(path: path).write { db in try db.execute(sql: "UPDATE face_template SET model = 'dlib-resnet-v1'") }

        let (service, app, tokens) = try await makeDaemon(database: path)
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            let idle = try await client.execute(uri: "/v1/watchlist/reembed", method: .get) { try decode($0) }
            #expect(idle["status"] as? String == "idle" && idle["templates_of_other_models"] as? Int == 2)
            let started = try await client.execute(uri: "/v1/watchlist/reembed", method: .post) {
                #expect($0.status == .accepted)
                return try decode($0)
            }
            #expect(started["status"] as? String == "running" && started["model"] as? String == service.faceModelName)
            var status: [String: Any] = [:]
            for _ in 0..<300 {
                status = try await client.execute(uri: "/v1/watchlist/reembed", method: .get) { try decode($0) }
                if status["status"] as? String != "running" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(status["status"] as? String == "done", "\(status)")
            #expect((status["report"] as? [String: Any])?["rebuilt"] as? Int == 2)
            #expect(status["done"] as? Int == 2 && status["total"] as? Int == 2 && status["templates_of_other_models"] as? Int == 0)
            let events = try await client.execute(uri: "/v1/watchlist/events?from=1", method: .get) { try decode($0) }
            #expect((events["events"] as? [[String: Any]])?.filter { $0["action"] as? String == "reembed" }.count == 2)
            // A screen-role token cannot start one.
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(tokens.secrets[.post] ?? "")"
            try await raw.execute(uri: "/v1/watchlist/reembed", method: .post, headers: headers) { #expect($0.status == .forbidden) }
        }
        #expect(service.watchlistStatus.faceTemplates == 2)
    }
}
