import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VigilScreening
import VigilTestSupport

@Suite("Roles, tokens and adjudication over real HTTP", .enabled(if: TestData.shouldRunDataTests))
struct AccessHTTPTests {
    static let id = UUID().uuidString
    /// Every route of the API with the role it needs (nil: open).
    static let routes: [(HTTPRequest.Method, String, Role?)] = [
        (.get, "/v1/health", nil), (.get, "/v1/health/ready", nil),
        (.post, "/v1/screenings", .post), (.get, "/v1/screenings/\(id)", .post), (.post, "/v1/screenings/\(id)/adjudications", .post),
        (.get, "/v1/watchlist/entries", .admin), (.post, "/v1/watchlist/entries", .admin), (.get, "/v1/watchlist/entries/\(id)", .admin),
        (.patch, "/v1/watchlist/entries/\(id)", .admin), (.delete, "/v1/watchlist/entries/\(id)", .admin),
        (.post, "/v1/watchlist/entries/\(id)/samples", .admin), (.delete, "/v1/watchlist/entries/\(id)/samples/face-1", .admin),
        (.get, "/v1/watchlist/categories", .admin), (.put, "/v1/watchlist/categories/x", .admin), (.get, "/v1/watchlist/version", .admin),
        (.get, "/v1/watchlist/events", .admin), (.get, "/v1/watchlist/duplicates", .admin), (.post, "/v1/watchlist/imports", .admin),
        (.get, "/v1/watchlist/imports/\(id)", .admin), (.get, "/v1/watchlist/reembed", .admin), (.post, "/v1/watchlist/reembed", .admin),
        (.get, "/v1/audit/records", .auditor), (.post, "/v1/audit/verify", .auditor), (.post, "/v1/audit/replay", .auditor),
        (.get, "/v1/audit/public-key", .auditor),
    ]

    @Test("every route against every role, no token, a revoked token and a forged one; refusals change nothing")
    func routeRoleMatrix() async throws {
        let (service, app, tokens) = try await makeDaemon()
        let revoked = try await service.issueToken(name: "gone", role: .admin)
        try await service.revokeToken(id: revoked.token.id)
        let forged = "vigil_\(revoked.token.id)_" + String(repeating: "0", count: 64)
        let before = try await service.storeCounts()
        try await app.test { client in
            for (method, path, needed) in Self.routes {
                var callers: [(String, String?, Bool)] = [("no token", nil, needed == nil), ("revoked", revoked.secret, false),
                                                          ("forged", forged, false), ("not bearer", "Basic abc", false)]
                for role in Role.allCases { callers.append((role.rawValue, tokens.secrets[role], needed == nil || needed == role)) }
                for (who, credential, allowed) in callers {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let credential { headers[.authorization] = credential.hasPrefix("Basic") ? credential : "Bearer \(credential)" }
                    let response = try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: "{}"))
                    let what = "\(method) \(path) as \(who): \(response.status)"
                    if allowed {
                        #expect(response.status != .unauthorized && response.status != .forbidden, "\(what)")
                    } else if Role(rawValue: who) != nil {
                        #expect(response.status == .forbidden, "\(what)")
                        #expect(try errorCode(response) == "forbidden", "\(what)")
                    } else {
                        #expect(response.status == .unauthorized, "\(what)")
                        #expect(try errorCode(response) == "unauthorized", "\(what)")
                    }
                }
            }
            // Health without a token says only that the service is up.
            let open = try await client.execute(uri: "/v1/health", method: .get) { try decode($0) }
            #expect(open["status"] as? String == "ok" && open["entries"] == nil)
        }
        let after = try await service.storeCounts()
        #expect(after.entries == before.entries && after.screenings == before.screenings && after.faceTemplates == before.faceTemplates)
    }

    @Test("a two-officer hit is confirmed only by two different officers of the post that screened; all of it is logged")
    func twoPersonRule() async throws {
        let (service, app, tokens) = try await makeDaemon()
        let otherPost = try await service.issueToken(name: "BORDER-2", role: .post).secret
        // The same post's second officer, with a token of their own (same post id, another secret).
        let secondOfficer = try await service.issueToken(name: "test-post", role: .post).secret
        let people = try TestData.identities("lfw10")
        _ = try await service.enroll(name: "Wanted", category: "wanted_trafficking", faces: [try TestData.bytes(people[0].files[0])])
        try await app.test { raw in
            let client = tokens.authorizing(raw)
            var probe = Multipart()
            probe.file("face", try TestData.bytes(people[0].files[4]))
            let screening = try await client.execute(uri: "/v1/screenings", method: .post, headers: [.contentType: probe.contentType],
                                                     body: probe.finished()) { try decode($0) }
            let id = try #require(screening["id"] as? String)
            #expect((screening["candidates"] as? [[String: Any]])?.first?["confirmations_required"] as? Int == 2)

            func adjudicate(_ officer: String, _ outcome: String, as secret: String? = nil) async throws -> LiveResponse {
                var headers: HTTPFields = [.contentType: "application/json"]
                if let secret { headers[.authorization] = "Bearer \(secret)" }
                return try await client.execute(uri: "/v1/screenings/\(id)/adjudications", method: .post, headers: headers,
                                                body: json(["outcome": outcome, "officer_id": officer]))
            }
            func state(_ response: LiveResponse) throws -> String? {
                ((try decode(response))["adjudications"] as? [[String: Any]])?.first?["state"] as? String
            }
            // Another post can neither see nor adjudicate it.
            #expect(try await adjudicate("officer-9", "confirmed", as: otherPost).status == .notFound)
            #expect(try await client.execute(uri: "/v1/screenings/\(id)", method: .get,
                                             headers: [.authorization: "Bearer \(otherPost)"]).status == .notFound)

            let first = try await adjudicate("officer-1", "confirmed")
            #expect(first.status == .created)
            #expect(try state(first) == "awaiting_second_officer")
            // The same officer cannot be the second: refused, and nothing recorded.
            let again = try await adjudicate("officer-1", "confirmed")
            #expect(again.status == .conflict)
            #expect(try errorCode(again) == "already_adjudicated")
            let second = try await adjudicate("officer-2", "confirmed", as: secondOfficer)
            #expect(try state(second) == "confirmed")
            let shown = try await client.execute(uri: "/v1/screenings/\(id)", method: .get) { try decode($0) }
            let decisions = try #require((shown["adjudications"] as? [[String: Any]])?.first?["decisions"] as? [[String: Any]])
            #expect(decisions.compactMap { $0["officer_id"] as? String } == ["officer-1", "officer-2"])
            #expect(decisions.allSatisfy { $0["recorded_at"] is String })
            #expect(try state(try await adjudicate("officer-3", "not_a_match")) == "disputed")
            let bad = try await adjudicate("officer-3", "guilty")
            #expect(bad.status == .badRequest)
            #expect(try errorCode(bad) == "invalid_field")

            let log = try await client.execute(uri: "/v1/audit/records?action=adjudication", method: .get) { try decode($0) }
            let records = try #require(log["records"] as? [[String: Any]])
            #expect(records.count == 3 && records.allSatisfy { $0["subject"] as? String == id && $0["actor_role"] as? String == "post" })
            #expect((records[1]["result"] as? String)?.contains("\"state\":\"confirmed\"") == true)
            // The second officer's token sees the post's queue too; the other post's does not.
            let queue = try await client.execute(uri: "/v1/screenings", method: .get,
                                                 headers: [.authorization: "Bearer \(secondOfficer)"]) { try decode($0) }
            #expect((queue["screenings"] as? [[String: Any]])?.count == 1)
            let otherQueue = try await client.execute(uri: "/v1/screenings", method: .get,
                                                      headers: [.authorization: "Bearer \(otherPost)"]) { try decode($0) }
            #expect((otherQueue["screenings"] as? [[String: Any]])?.isEmpty == true)
        }
    }
}
