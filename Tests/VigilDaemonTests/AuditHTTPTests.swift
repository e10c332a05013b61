import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilScreening
import VigilTestSupport

@Suite("Audit log over real HTTP", .enabled(if: TestData.shouldRunDataTests))
struct AuditHTTPTests {
    @Test("records name the post (its token); verify and replay agree; the public key is exported; bad parameters are refused")
    func auditRoutes() async throws {
        let (service, app, tokens) = try await makeDaemon()
        let people = try TestData.identities("lfw10")
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            var form = Multipart()
            form.text("name", people[0].identity)
            form.text("category", "wanted_trafficking")
            form.file("face", try TestData.bytes(people[0].files[0]))
            try await client.execute(uri: "/v1/watchlist/entries", method: .post, headers: [.contentType: form.contentType],
                                     body: form.finished()) { #expect($0.status == .created) }
            for file in [people[0].files[2], people[1].files[0]] {
                var probe = Multipart()
                probe.file("face", try TestData.bytes(file))
                try await client.execute(uri: "/v1/screenings", method: .post,
                                         headers: [.contentType: probe.contentType],
                                         body: probe.finished()) { #expect($0.status == .ok) }
            }
            let listed = try await client.execute(uri: "/v1/audit/records?action=screening", method: .get) { try decode($0) }
            let records = try #require(listed["records"] as? [[String: Any]])
            #expect(records.count == 2 && records.allSatisfy { $0["post_id"] as? String == "test-post" && $0["probe_kept"] as? Bool == true })
            #expect(records.map { $0["outcome"] as? String } == ["review_required", "no_hit"])
            #expect(records.allSatisfy { ($0["hash"] as? String)?.count == 64 && ($0["context"] as? String)?.contains("dlib_face_recognition_resnet_model_v1.dat") == true })

            try await service.checkpointAudit()
            let key = try await client.execute(uri: "/v1/audit/public-key", method: .get) { try decode($0) }
            let hex = try #require(key["public_key"] as? String)
            let verified = try await client.execute(uri: "/v1/audit/verify", method: .post, headers: [.contentType: "application/json"],
                                                    body: json(["public_key": hex])) { try decode($0) }
            // One token per role, the enrolment and two screenings.
            let written = Role.allCases.count + 3
            #expect(verified["ok"] as? Bool == true && verified["records"] as? Int == written && verified["signed_through"] as? Int == written, "\(verified)")
            let stranger = String(repeating: "ab", count: 32)
            let refused = try await client.execute(uri: "/v1/audit/verify", method: .post, headers: [.contentType: "application/json"],
                                                   body: json(["public_key": stranger])) { $0 }
            let refusal = try decode(refused)
            #expect(refusal["ok"] as? Bool == false && refusal["first_bad_seq"] as? Int == written)
            let replayed = try await client.execute(uri: "/v1/audit/replay", method: .post) { try decode($0) }
            #expect(replayed["screenings"] as? Int == 2 && replayed["agreed"] as? Int == 2 && (replayed["divergences"] as? [Any])?.isEmpty == true)

            for uri in ["/v1/audit/records?from=0", "/v1/audit/records?limit=0", "/v1/audit/records?to=abc"] {
                let response = try await client.execute(uri: uri, method: .get) { $0 }
                #expect(response.status == .badRequest, "\(uri)")
                #expect(try errorCode(response) == "invalid_field", "\(uri)")
            }
            let badKey = try await client.execute(uri: "/v1/audit/verify", method: .post, headers: [.contentType: "application/json"],
                                                  body: json(["public_key": "zz"])) { $0 }
            #expect(try errorCode(badKey) == "invalid_field")
        }
    }
}
