import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilScreening
import VigilTestSupport

@Suite("Checkpoint daemon over real HTTP on loopback", .enabled(if: TestData.shouldRunDataTests))
struct DaemonHTTPTests {
    @Test("health, enrolment (multipart and JSON) and screening (multipart and JSON)")
    func enrolAndScreen() async throws {
        let (_, app, tokens) = try await makeDaemon()
        let people = try TestData.identities("lfw10")
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            let health = try await client.execute(uri: "/v1/health", method: .get)
            #expect(health.status == .ok)
            #expect(try decode(health)["status"] as? String == "ok")
            #expect(try decode(health)["finger_templates"] as? Int == 0)

            var form = Multipart()
            form.text("name", people[0].identity)
            form.text("category", "wanted_trafficking")
            form.file("face", try TestData.bytes(people[0].files[0]))
            form.file("face", try TestData.bytes(people[0].files[1]))
            let first = try await client.execute(uri: "/v1/watchlist/entries", method: .post,
                                                 headers: [.contentType: form.contentType], body: form.finished()) { response in
                #expect(response.status == .created)
                return try decode(response)
            }
            #expect(first["version"] as? Int == 1)
            let firstID = try #require(first["id"] as? String)

            let second = try await client.execute(
                uri: "/v1/watchlist/entries", method: .post, headers: [.contentType: "application/json"],
                body: json(["name": people[1].identity, "category": "missing_person",
                            "faces": [Data(try TestData.bytes(people[1].files[0])).base64EncodedString()]])
            ) { response in
                #expect(response.status == .created)
                return try decode(response)
            }
            #expect(second["version"] as? Int == 2)

            var probe = Multipart()
            probe.file("face", try TestData.bytes(people[0].files[5]))
            let screening = try await client.execute(uri: "/v1/screenings", method: .post,
                                                     headers: [.contentType: probe.contentType], body: probe.finished()) { response in
                #expect(response.status == .ok)
                return try decode(response)
            }
            #expect(screening["decision"] as? String == "review_required")
            #expect(screening["watchlist_version"] as? Int == 2)
            let face = try #require(screening["face"] as? [String: Any])
            #expect(face["found"] as? Bool == true && face["count"] as? Int == 1)
            #expect((face["quality"] as? [String: Any])?["acceptable"] as? Bool == true)
            let candidates = try #require(screening["candidates"] as? [[String: Any]])
            #expect(candidates.first?["entry_id"] as? String == firstID)
            #expect(candidates.first?["rank"] as? Int == 1)
            #expect(candidates.first?["category"] as? String == "wanted_trafficking")
            #expect(screening["timings_ms"] is [String: Any])

            let protective = try await client.execute(
                uri: "/v1/screenings", method: .post, headers: [.contentType: "application/json"],
                body: json(["face": "data:image/jpeg;base64," + Data(try TestData.bytes(people[1].files[3])).base64EncodedString()])
            ) { response in try decode(response) }
            let hit = try #require((protective["candidates"] as? [[String: Any]])?.first)
            #expect(hit["category"] as? String == "missing_person")
            #expect(hit["protective"] as? Bool == true)

            let dogs = try await client.execute(
                uri: "/v1/screenings", method: .post, headers: [.contentType: "application/json"],
                body: json(["face": Data(try TestData.bytes("faces/scenes/dogs.jpg")).base64EncodedString()])
            ) { response in try decode(response) }
            #expect(dogs["decision"] as? String == "recapture_required")
            #expect((dogs["face"] as? [String: Any])?["found"] as? Bool == false)
        }
    }

    @Test("fingers over HTTP: JSON enrolment with a finger template, multipart screening with a finger alone")
    func fingers() async throws {
        let (_, app, tokens) = try await makeDaemon()
        let person = try TestData.identities("lfw10")[6]
        let enrolFinger = try TestData.bytes("fingerprints/FVC2002/DB2_B/105_1.iso")
        let probeFinger = try TestData.bytes("fingerprints/FVC2002/DB2_B/105_4.iso")
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            let enrolled = try await client.execute(
                uri: "/v1/watchlist/entries", method: .post, headers: [.contentType: "application/json"],
                body: json(["name": person.identity, "category": "potential_victim",
                            "face": Data(try TestData.bytes(person.files[0])).base64EncodedString(),
                            "finger_left_index": Data(enrolFinger).base64EncodedString()]))
            #expect(enrolled.status == .created)
            let id = try decode(enrolled)["id"] as? String

            var form = Multipart()
            form.file("finger_left_index", probeFinger, filename: "probe.iso")
            let screened = try await client.execute(uri: "/v1/screenings", method: .post,
                                                    headers: [.contentType: form.contentType], body: form.finished())
            #expect(screened.status == .ok)
            let body = try decode(screened)
            #expect(body["decision"] as? String == "review_required")
            let top = try #require((body["candidates"] as? [[String: Any]])?.first)
            #expect(top["entry_id"] as? String == id)
            #expect((top["finger_scores"] as? [String: Any])?["left_index"] != nil)

            var image = Multipart()
            image.file("finger_left_index", try TestData.bytes("fingerprints/FVC2002/DB2_B/105_4.tif"), filename: "probe.tif")
            let fromImage = try await client.execute(uri: "/v1/screenings", method: .post,
                                                     headers: [.contentType: image.contentType], body: image.finished())
            #expect(fromImage.status == .ok)

            var blank = Multipart()
            blank.file("finger_left_index", CraftedImages.png(width: 64, height: 64), filename: "blank.png")
            let refused = try await client.execute(uri: "/v1/screenings", method: .post,
                                                   headers: [.contentType: blank.contentType], body: blank.finished())
            #expect(refused.status == .unprocessableContent)
            #expect(try errorCode(refused) == "quality_insufficient")
        }
    }

    struct BadRequest: Sendable {
        let what: String
        let uri: String
        let method: HTTPRequest.Method
        let contentType: String?
        let body: ByteBuffer?
        let status: HTTPResponse.Status
        let code: String
    }

    static func badRequests() throws -> [BadRequest] {
        let jpeg = try TestData.bytes("faces/lfw10/Tony_Blair/Tony_Blair_0001.jpg")
        func image(_ bytes: [UInt8]) -> (String, ByteBuffer) {
            var form = Multipart()
            form.file("face", bytes)
            return (form.contentType, form.finished())
        }
        var enrolUnknownCategory = Multipart()
        enrolUnknownCategory.text("name", "X")
        enrolUnknownCategory.text("category", "smuggler")
        enrolUnknownCategory.file("face", jpeg)
        let oversized = ByteBuffer(bytes: [UInt8](repeating: 0x41, count: 2 * 1024 * 1024))
        let tiff = try [UInt8](Data(contentsOf: TestData.projectRoot.appendingPathComponent("Fuzz/corpus/image/seed.tif")))
        var invalidUTF8 = Multipart()
        invalidUTF8.body.append(Data("--\(invalidUTF8.boundary)\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n".utf8))
        invalidUTF8.body.append(contentsOf: [0xC3, 0x28, 0xFF, 0xFE])
        invalidUTF8.body.append(Data("\r\n".utf8))
        invalidUTF8.text("category", "wanted_other")
        invalidUTF8.file("face", jpeg)
        let cases: [(String, [UInt8], HTTPResponse.Status, String)] = [
            ("non-image", CraftedImages.notAnImage, .unsupportedMediaType, "unsupported_image_format"),
            ("empty image", [], .badRequest, "image_empty"),
            ("truncated JPEG", CraftedImages.truncated(jpeg), .badRequest, "image_truncated"),
            ("corrupt JPEG", CraftedImages.corruptedJPEG(jpeg), .badRequest, "image_corrupt"),
            ("corrupt PNG", CraftedImages.corruptedPNG(), .badRequest, "image_corrupt"),
            ("truncated TIFF", CraftedImages.truncated(tiff, keeping: 0.5), .badRequest, "image_truncated"),
            ("decompression bomb", CraftedImages.pngDeclaring(width: 50_000, height: 50_000), .contentTooLarge, "image_too_large"),
        ]
        var requests = try cases.map { what, bytes, status, code in
            let (type, body) = image(bytes)
            return BadRequest(what: what, uri: "/v1/screenings", method: .post, contentType: type, body: body, status: status, code: code)
        }
        requests += [
            BadRequest(what: "empty body", uri: "/v1/screenings", method: .post, contentType: "application/json", body: nil, status: .badRequest, code: "empty_body"),
            BadRequest(what: "malformed JSON", uri: "/v1/screenings", method: .post, contentType: "application/json", body: ByteBuffer(string: "{\"face\": "), status: .badRequest, code: "malformed_json"),
            BadRequest(what: "JSON array", uri: "/v1/screenings", method: .post, contentType: "application/json", body: ByteBuffer(string: "[1,2]"), status: .badRequest, code: "malformed_json"),
            BadRequest(what: "face as a number", uri: "/v1/screenings", method: .post, contentType: "application/json", body: ByteBuffer(string: "{\"face\": 12}"), status: .badRequest, code: "invalid_field"),
            BadRequest(what: "bad base64", uri: "/v1/screenings", method: .post, contentType: "application/json", body: ByteBuffer(string: "{\"face\": \"***\"}"), status: .badRequest, code: "invalid_field"),
            BadRequest(what: "no face field", uri: "/v1/screenings", method: .post, contentType: "application/json", body: ByteBuffer(string: "{\"photo\": \"AAAA\"}"), status: .badRequest, code: "missing_field"),
            BadRequest(what: "wrong content type", uri: "/v1/screenings", method: .post, contentType: "text/plain", body: ByteBuffer(string: "hello"), status: .unsupportedMediaType, code: "unsupported_media_type"),
            BadRequest(what: "multipart without boundary", uri: "/v1/screenings", method: .post, contentType: "multipart/form-data", body: ByteBuffer(string: "x"), status: .badRequest, code: "malformed_multipart"),
            BadRequest(what: "body over the limit", uri: "/v1/screenings", method: .post, contentType: "application/json", body: oversized, status: .contentTooLarge, code: "payload_too_large"),
            BadRequest(what: "unknown category", uri: "/v1/watchlist/entries", method: .post, contentType: enrolUnknownCategory.contentType, body: enrolUnknownCategory.finished(), status: .unprocessableContent, code: "unknown_category"),
            BadRequest(what: "enrolment without name", uri: "/v1/watchlist/entries", method: .post, contentType: "application/json", body: ByteBuffer(string: "{\"category\": \"wanted_other\"}"), status: .badRequest, code: "missing_field"),
            BadRequest(what: "unknown route", uri: "/v1/nothing-here", method: .get, contentType: nil, body: nil, status: .notFound, code: "not_found"),
            BadRequest(what: "invalid UTF-8 in a text field", uri: "/v1/watchlist/entries", method: .post, contentType: invalidUTF8.contentType, body: invalidUTF8.finished(), status: .badRequest, code: "invalid_field"),
            BadRequest(what: "unknown entry", uri: "/v1/watchlist/entries/\(UUID())", method: .get, contentType: nil, body: nil, status: .notFound, code: "not_found"),
            BadRequest(what: "entry id not a UUID", uri: "/v1/watchlist/entries/..%2F..%2Fetc", method: .get, contentType: nil, body: nil, status: .notFound, code: "not_found"),
            BadRequest(what: "removing an unknown entry", uri: "/v1/watchlist/entries/\(UUID())", method: .delete, contentType: nil, body: nil, status: .notFound, code: "not_found"),
            BadRequest(what: "update of an unknown entry", uri: "/v1/watchlist/entries/\(UUID())", method: .patch, contentType: "application/json", body: ByteBuffer(string: "{\"name\": \"X\"}"), status: .notFound, code: "not_found"),
            BadRequest(what: "update with an unknown field", uri: "/v1/watchlist/entries/\(UUID())", method: .patch, contentType: "application/json", body: ByteBuffer(string: "{\"nmae\": \"X\"}"), status: .badRequest, code: "invalid_field"),
            BadRequest(what: "update as text", uri: "/v1/watchlist/entries/\(UUID())", method: .patch, contentType: "text/plain", body: ByteBuffer(string: "name=X"), status: .unsupportedMediaType, code: "unsupported_media_type"),
            BadRequest(what: "update with a deeply nested body", uri: "/v1/watchlist/entries/\(UUID())", method: .patch, contentType: "application/json", body: ByteBuffer(string: "{\"aliases\": " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}"), status: .badRequest, code: "malformed_json"),
            BadRequest(what: "negative offset", uri: "/v1/watchlist/entries?offset=-1", method: .get, contentType: nil, body: nil, status: .badRequest, code: "invalid_field"),
            BadRequest(what: "huge limit", uri: "/v1/watchlist/entries?limit=99999999999999999999", method: .get, contentType: nil, body: nil, status: .badRequest, code: "invalid_field"),
            BadRequest(what: "bad expiry filter", uri: "/v1/watchlist/entries?expires_before=tomorrow", method: .get, contentType: nil, body: nil, status: .badRequest, code: "invalid_field"),
            BadRequest(what: "category with threshold 5", uri: "/v1/watchlist/categories/new_one", method: .put, contentType: "application/json", body: ByteBuffer(string: "{\"description\": \"d\", \"protective\": false, \"match_threshold\": 5, \"confirmations\": 1, \"action\": \"a\"}"), status: .badRequest, code: "invalid_field"),
            BadRequest(what: "a part's header name with a byte above 0x7F (crashed MultipartKit 4.7.1)", uri: "/v1/screenings", method: .post, contentType: "multipart/form-data; boundary=XyZ", body: ByteBuffer(string: "--XyZ\r\nContent-Disposition: form-data; name=\"face\"\r\nX-\u{00e9}t\u{00e9}: 1\r\n\r\nabc\r\n--XyZ--\r\n"), status: .badRequest, code: "malformed_multipart"),
            BadRequest(what: "subject boxes not an array", uri: "/v1/watchlist/entries", method: .post, contentType: "application/json", body: ByteBuffer(string: "{\"name\": \"X\", \"category\": \"wanted_other\", \"face\": \"AAAA\", \"face_boxes\": \"left\"}"), status: .badRequest, code: "invalid_field"),
            BadRequest(what: "a subject box of zero width", uri: "/v1/watchlist/entries", method: .post, contentType: "application/json", body: ByteBuffer(string: "{\"name\": \"X\", \"category\": \"wanted_other\", \"face\": \"AAAA\", \"face_boxes\": [[1, 2, 0, 5]]}"), status: .badRequest, code: "invalid_field"),
            BadRequest(what: "import while imports are off", uri: "/v1/watchlist/imports", method: .post, contentType: "application/json", body: ByteBuffer(string: "{\"manifest\": \"m.jsonl\"}"), status: .notFound, code: "not_found"),
        ]
        return requests
    }

    @Test("bad requests get their documented status and code; nothing stored changes; the daemon keeps serving")
    func badRequestsAreRefused() async throws {
        let (service, app, tokens) = try await makeDaemon(maxBodyBytes: 1024 * 1024)
        _ = try await service.enroll(name: "Existing", category: "wanted_other",
                                     faces: [try TestData.bytes("faces/lfw10/Hugo_Chavez/Hugo_Chavez_0001.jpg")])
        let before = try await service.storeCounts()
        let requests = try Self.badRequests()
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            for request in requests {
                var headers: HTTPFields = [:]
                if let type = request.contentType { headers[.contentType] = type }
                let response = try await client.execute(uri: request.uri, method: request.method, headers: headers, body: request.body)
                #expect(response.status == request.status, "\(request.what): \(response.status)")
                #expect(try errorCode(response) == request.code, "\(request.what)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, "\(request.what)")
            }
            try await client.execute(uri: "/v1/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
        #expect(try await service.storeCounts() == before)
    }
}
