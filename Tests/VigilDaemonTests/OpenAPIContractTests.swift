import Foundation
import HTTPTypes
import Testing
@testable import VigilDaemon
import VigilScreening
import VigilTestSupport

/// docs/openapi.json is the API's source of truth: the daemon serves it, and
/// it must describe exactly the routes registered, each with its role.
/// (schemathesis then checks the live daemon against it: scripts/api-contract.sh.)
@Suite("The OpenAPI document and the routes", .enabled(if: TestData.shouldRunDataTests))
struct OpenAPIContractTests {
    static let file = TestData.projectRoot.appendingPathComponent("docs/openapi.json")

    func document() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.file)) as? [String: Any])
    }

    @Test("the daemon embeds the document exactly as docs/openapi.json has it (scripts/embed-assets.py)")
    func embedded() throws {
        let embedded = try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? NSDictionary
        #expect(embedded == (try document() as NSDictionary))
    }

    @Test("every registered route is described, every description has a route, each with the role the daemon enforces")
    func routesMatch() async throws {
        let (service, _, _) = try await makeDaemon()
        let registered = Set(try VigilDaemon.routeList(service: service, configuration: DaemonConfiguration(host: "127.0.0.1", port: 0)))
        let paths = try #require(try document()["paths"] as? [String: [String: Any]])
        var described: Set<String> = []
        for (path, operations) in paths {
            for (method, value) in operations {
                let operation = try #require(value as? [String: Any])
                described.insert("\(method.uppercased()) \(path)")
                #expect((operation["summary"] as? String)?.isEmpty == false, "\(method) \(path) has no summary")
                let responses = try #require(operation["responses"] as? [String: Any])
                #expect(responses["default"] != nil, "\(method) \(path): refusals undocumented")
                #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(method) \(path): no success response")
                let security = try #require(operation["security"] as? [[String: Any]])
                let documented = security.first?.keys.first
                switch AuthMiddleware.access(for: path.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: ""),
                                             fromLoopback: true) {
                case .open: #expect(documented == nil, "\(method) \(path) is open, documented as \(documented ?? "")")
                case .role(let role): #expect(documented == role.rawValue, "\(method) \(path) needs \(role.rawValue)")
                case .anyToken: Issue.record("\(method) \(path) is not mapped to a role")
                }
            }
        }
        // The console's pages are files for a browser, not API operations (its sign-in is one).
        let pages: Set<String> = ["GET /", "GET /console", "GET /console/**"]
        #expect(pages.isSubset(of: registered), "\(registered.sorted())")
        let operations = registered.subtracting(pages)
        #expect(operations.subtracting(described).isEmpty, "routes without a description: \(operations.subtracting(described).sorted())")
        #expect(described.subtracting(operations).isEmpty, "descriptions without a route: \(described.subtracting(registered).sorted())")
    }

    @Test("GET /v1/openapi.json serves it without a token")
    func served() async throws {
        let (_, app, _) = try await makeDaemon()
        try await app.test { raw in
            let response = try await raw.execute(uri: "/v1/openapi.json", method: .get)
            #expect(response.status == .ok)
            let served = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect(served?["openapi"] as? String == "3.1.0")
        }
    }
}
