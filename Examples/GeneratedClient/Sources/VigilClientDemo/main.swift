import Foundation
import HTTPTypes
import OpenAPIRuntime
import OpenAPIURLSession

/// Adds one role's bearer token to every request.
struct Bearer: ClientMiddleware {
    let token: String
    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(token)"
        return try await next(request, body, baseURL)
    }
}

// Usage: VIGIL_URL=http://127.0.0.1:8080 VIGIL_ADMIN=… VIGIL_POST=… vigil-client-demo ENROL.jpg PROBE.jpg
let environment = ProcessInfo.processInfo.environment
guard CommandLine.arguments.count == 3, let url = URL(string: environment["VIGIL_URL"] ?? "http://127.0.0.1:8080"),
      let adminToken = environment["VIGIL_ADMIN"], let postToken = environment["VIGIL_POST"] else {
    print("usage: VIGIL_URL=… VIGIL_ADMIN=<admin token> VIGIL_POST=<post token> vigil-client-demo ENROL.jpg PROBE.jpg")
    exit(64)
}
func photo(_ path: String) throws -> Base64EncodedData { Base64EncodedData(try Data(contentsOf: URL(fileURLWithPath: path))) }

let admin = Client(serverURL: url, transport: URLSessionTransport(), middlewares: [Bearer(token: adminToken)])
let post = Client(serverURL: url, transport: URLSessionTransport(), middlewares: [Bearer(token: postToken)])

let enrolled = try await admin.enrol(body: .json(.init(name: "Generated Client Test", category: "wanted_other",
                                                      face: .case1(try photo(CommandLine.arguments[1])))))
let entry = try enrolled.created.body.json
print("enrolled \(entry.id) at watchlist version \(entry.version)")

let screened = try await post.screen(body: .json(.init(face: .case1(try photo(CommandLine.arguments[2])))))
let result = try screened.ok.body.json
print("screening \(result.id): \(result.decision.rawValue), \(result.candidates.count) candidate(s)")
for candidate in result.candidates {
    print("  rank \(candidate.rank): entry \(candidate.entryId), category \(candidate.category), score \(candidate.score.map { String(format: "%.4f", $0) } ?? "-")")
}
