import Foundation
import HTTPTypes
import NIOCore
import Testing
import VigilInterchange
import VigilScreening
import VigilTestSupport

@Suite("1:1 verification over HTTP", .enabled(if: TestData.shouldRunDataTests))
struct VerificationHTTPTests {
    @Test("a post verifies a live photo against data group 2 (multipart or JSON); other roles are refused; a broken data group is invalid_document")
    func verifyOverHTTP() async throws {
        let (_, app, tokens) = try await makeDaemon()
        let person = try #require(try TestData.identities("pakistan-politicians").first)
        let photo = try TestData.bytes(person.files[0])
        let dg2 = DG2.encode([DG2FaceImage(format: .jpeg, width: 0, height: 0, recordVersion: "", bytes: photo)])
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            var form = Multipart()
            form.file("face", try TestData.bytes(person.files[1]))
            form.file("document", dg2, filename: "dg2.bin")
            form.text("screen", "true")
            let result = try await client.execute(uri: "/v1/verifications", method: .post, headers: [.contentType: form.contentType],
                                                  body: form.finished()) { try decode($0) }
            #expect(result["decision"] as? String == "match", "\(result)")
            #expect((result["document"] as? [String: Any])?["source"] as? String == "dg2")
            #expect(result["screening"] is [String: Any] && (result["threshold"] as? Double ?? 0) > 0)

            let body = json(["face": Data(try TestData.bytes(person.files[1])).base64EncodedString(),
                             "document": Data(Array(dg2.prefix(dg2.count / 2))).base64EncodedString()])
            let broken = try await client.execute(uri: "/v1/verifications", method: .post, headers: [.contentType: "application/json"], body: body)
            #expect(try broken.status == .badRequest && errorCode(broken) == "invalid_document")

            var admin: HTTPFields = [.contentType: form.contentType]
            admin[.authorization] = "Bearer \(try #require(tokens.secrets[.admin]))"
            let refused = try await raw.execute(uri: "/v1/verifications", method: .post, headers: admin, body: form.finished())
            #expect(refused.status == .forbidden)
        }
    }
}
