import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import VigilDaemon
import VigilScreening
import VigilTestSupport

/// A daemon on an ephemeral loopback port over a fresh database.
func makeDaemon(maxBodyBytes: Int = 32 * 1024 * 1024, importRoot: String? = nil, database: String? = nil) async throws
    -> (ScreeningService, some ApplicationProtocol, RoleTokens) {
    var configuration = ServiceConfiguration()
    configuration.modelsDirectory = TestData.modelsDirectory
    configuration.databasePath = database ?? temporaryDatabasePath("vigil-http")
    configuration.importRoot = importRoot
    let service = try await ScreeningService(configuration: configuration)
    var daemon = DaemonConfiguration(host: "127.0.0.1", port: 0)
    daemon.maxBodyBytes = maxBodyBytes
    return (service, try VigilDaemon.makeApplication(service: service, configuration: daemon), try await RoleTokens(service))
}

/// One live token per role, and a client that sends the one each route needs.
struct RoleTokens: Sendable {
    let secrets: [Role: String]

    init(_ service: ScreeningService) async throws {
        var secrets: [Role: String] = [:]
        for role in Role.allCases { secrets[role] = try await service.issueToken(name: "test-\(role.rawValue)", role: role).secret }
        self.secrets = secrets
    }

    static func role(for uri: String) -> Role {
        if uri.hasPrefix("/v1/screenings") { return .post }
        if uri.hasPrefix("/v1/audit/") { return .auditor }
        return .admin
    }

    func authorizing(_ client: some TestClientProtocol) -> AuthorizingClient { AuthorizingClient(base: client, tokens: self) }
}

/// Adds `Authorization: Bearer <token of the route's role>` to each request.
struct AuthorizingClient: TestClientProtocol {
    let base: any TestClientProtocol
    let tokens: RoleTokens

    var port: Int? { base.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        var headers = headers
        if headers[.authorization] == nil, let secret = tokens.secrets[RoleTokens.role(for: uri)] {
            headers[.authorization] = "Bearer \(secret)"
        }
        return try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
    }
}

/// multipart/form-data bodies as a browser or curl -F sends them.
struct Multipart {
    let boundary = "vigil-test-\(UUID().uuidString)"
    var body = Data()

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func text(_ name: String, _ value: String) {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }

    mutating func file(_ name: String, _ bytes: [UInt8], filename: String = "photo.jpg") {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8))
        body.append(contentsOf: bytes)
        body.append(Data("\r\n".utf8))
    }

    func finished() -> ByteBuffer {
        var all = body
        all.append(Data("--\(boundary)--\r\n".utf8))
        return ByteBuffer(bytes: all)
    }
}

func json(_ object: [String: Any]) -> ByteBuffer {
    ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
}

func decode(_ response: TestResponse) throws -> [String: Any] {
    let data = Data(buffer: response.body)
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw DecodingFailure(text: String(decoding: data, as: UTF8.self))
    }
    return object
}

struct DecodingFailure: Error { let text: String }

func errorCode(_ response: TestResponse) throws -> String? {
    (try decode(response)["error"] as? [String: Any])?["code"] as? String
}
