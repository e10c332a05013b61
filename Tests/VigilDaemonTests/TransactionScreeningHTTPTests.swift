import Foundation
import HTTPTypes
import NIOCore
import Testing
import VigilScreening
import VigilTestSupport

/// A post sends an agency's ANSI/NIST-ITL transaction as the capture itself.
@Suite("Screening an ANSI/NIST-ITL transaction over HTTP", .enabled(if: TestData.shouldRunDataTests))
struct TransactionScreeningHTTPTests {
    @Test("application/x-ansi-nist or a multipart 'transaction' field: its face is screened and the enrolled person found; a cut transaction is invalid_transaction with its offset; mixing it with other samples is refused")
    func screenTransaction() async throws {
        let (service, app, tokens) = try await makeDaemon()
        let person = try #require(try TestData.identities("lfw10").first { $0.files.count >= 3 })
        let enrolled = try await service.enroll(name: "Wanted", category: "wanted_trafficking", faces: [try TestData.bytes(person.files[0])])
        let transaction = try TestTransactions.make(tcn: "T-1", name: "DOE,JOHN", face: try TestData.bytes(person.files[2]))
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            let direct = try await client.execute(uri: "/v1/screenings", method: .post, headers: [.contentType: "application/x-ansi-nist"],
                                                  body: ByteBuffer(bytes: transaction)) { try decode($0) }
            #expect((direct["candidates"] as? [[String: Any]])?.first?["entry_id"] as? String == enrolled.id.uuidString, "\(direct)")

            var form = Multipart()
            form.file("transaction", transaction, filename: "capture.an2")
            let multipart = try await client.execute(uri: "/v1/screenings", method: .post, headers: [.contentType: form.contentType],
                                                     body: form.finished()) { try decode($0) }
            #expect((multipart["candidates"] as? [[String: Any]])?.first?["entry_id"] as? String == enrolled.id.uuidString)

            let cut = try await client.execute(uri: "/v1/screenings", method: .post, headers: [.contentType: "application/x-ansi-nist"],
                                               body: ByteBuffer(bytes: transaction.prefix(transaction.count - 100)))
            #expect(try cut.status == .badRequest && errorCode(cut) == "invalid_transaction")
            #expect(String(buffer: cut.body).contains("at byte"))

            var mixed = Multipart()
            mixed.file("transaction", transaction, filename: "capture.an2")
            mixed.file("face", try TestData.bytes(person.files[1]))
            let refused = try await client.execute(uri: "/v1/screenings", method: .post, headers: [.contentType: mixed.contentType],
                                                   body: mixed.finished())
            #expect(try refused.status == .badRequest && errorCode(refused) == "invalid_field")
        }
    }

    @Test("an admin fetches an entry as a transaction (the photo in Type-10), which screens back to the same entry; a post is refused")
    func exportOverHTTP() async throws {
        let (service, app, tokens) = try await makeDaemon()
        let person = try #require(try TestData.identities("lfw10").first { $0.files.count >= 3 })
        let enrolled = try await service.enroll(name: "Wanted", category: "wanted_trafficking", faces: [try TestData.bytes(person.files[0])])
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            let exported = try await client.execute(uri: "/v1/watchlist/entries/\(enrolled.id)/transaction?agency=PKFIA0001", method: .get)
            #expect(exported.status == .ok && exported.headers[.contentType] == "application/x-ansi-nist")
            let bytes = Array(buffer: exported.body)
            let screened = try await client.execute(uri: "/v1/screenings", method: .post, headers: [.contentType: "application/x-ansi-nist"],
                                                    body: ByteBuffer(bytes: bytes)) { try decode($0) }
            #expect((screened["candidates"] as? [[String: Any]])?.first?["entry_id"] as? String == enrolled.id.uuidString)

            var post: HTTPFields = [:]
            post[.authorization] = "Bearer \(try #require(tokens.secrets[.post]))"
            let refused = try await raw.execute(uri: "/v1/watchlist/entries/\(enrolled.id)/transaction", method: .get, headers: post)
            #expect(refused.status == .forbidden)
        }
    }
}
