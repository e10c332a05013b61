import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import HummingbirdTesting
import NIOCore
import VigilDaemon
import VigilScreening
import VigilTestSupport

/// A daemon on an ephemeral loopback port over a fresh database.
func makeDaemon(maxBodyBytes: Int = 32 * 1024 * 1024, importRoot: String? = nil, database: String? = nil) async throws
    -> (ScreeningService, LiveDaemon, RoleTokens) {
    var configuration = ServiceConfiguration()
    configuration.modelsDirectory = TestData.modelsDirectory
    configuration.databasePath = database ?? temporaryDatabasePath("vigil-http")
    configuration.importRoot = importRoot
    let service = try await ScreeningService(configuration: configuration)
    var daemon = DaemonConfiguration(host: "127.0.0.1", port: 0)
    daemon.maxBodyBytes = maxBodyBytes
    return (service, LiveDaemon(service: service, configuration: daemon), try await RoleTokens(service))
}

/// The real daemon serving one test on a loopback port, and a client for it.
///
/// Not HummingbirdTesting's `.live`: its client gives up after a fixed 20 s
/// without a byte, a limit for a quiet machine. A screening is seconds of
/// CPU in a debug build; on two cores shared with the other suites, or with
/// one core held by another program, single screenings were measured at
/// 19–22 s. The limit here, 120 s, is several times that, and a request
/// that hangs still fails the test within two minutes.
struct LiveDaemon: Sendable {
    let service: ScreeningService
    let configuration: DaemonConfiguration
    static let readTimeout: Duration = .seconds(120)

    func test<Value: Sendable>(_ body: @Sendable (LiveClient) async throws -> Value) async throws -> Value {
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let app = try VigilDaemon.makeApplication(service: service, configuration: configuration,
                                                  onServerRunning: { announce.yield($0) })
        let services = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "vigil.test")))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw LiveDaemonFailure.didNotStart }
            let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: Self.readTimeout))
            client.connect()
            let outcome: Result<Value, Error>
            do { outcome = .success(try await body(LiveClient(client: client, port: port))) } catch { outcome = .failure(error) }
            try? await client.shutdown()
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try outcome.get()
        }
    }
}

enum LiveDaemonFailure: Error { case didNotStart }

/// A response as the tests read it.
struct LiveResponse: Sendable {
    let head: HTTPResponse
    let body: ByteBuffer
    var status: HTTPResponse.Status { head.status }
    var headers: HTTPFields { head.headerFields }
}

/// Something that sends requests to the live daemon.
protocol HTTPTestClient: Sendable {
    var port: Int { get }
    func send(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> LiveResponse
}

extension HTTPTestClient {
    @discardableResult
    func execute<Value>(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
                        _ check: (LiveResponse) async throws -> Value) async throws -> Value {
        try await check(try await send(uri: uri, method: method, headers: headers, body: body))
    }

    func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> LiveResponse {
        try await send(uri: uri, method: method, headers: headers, body: body)
    }
}

/// Sends requests as they are, with whatever token they carry (or none).
struct LiveClient: HTTPTestClient {
    let client: TestClient
    let port: Int

    func send(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> LiveResponse {
        var headers = headers
        headers[.connection] = "keep-alive"
        let response = try await client.execute(TestClient.Request(uri, method: method, authority: "localhost", headers: headers, body: body))
        return LiveResponse(head: response.head, body: response.body ?? ByteBuffer())
    }
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
        if uri.hasPrefix("/v1/screenings") || uri.hasPrefix("/v1/verifications") { return .post }
        if uri.hasPrefix("/v1/audit/") { return .auditor }
        if uri.hasPrefix("/v1/sync/") { return .node }
        return .admin
    }

    func authorizing(_ client: LiveClient) -> AuthorizingClient { AuthorizingClient(base: client, tokens: self) }
}

/// Adds `Authorization: Bearer <token of the route's role>` to each request.
struct AuthorizingClient: HTTPTestClient {
    let base: LiveClient
    let tokens: RoleTokens

    var port: Int { base.port }

    func send(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> LiveResponse {
        var headers = headers
        if headers[.authorization] == nil, let secret = tokens.secrets[RoleTokens.role(for: uri)] {
            headers[.authorization] = "Bearer \(secret)"
        }
        return try await base.send(uri: uri, method: method, headers: headers, body: body)
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

func decode(_ response: LiveResponse) throws -> [String: Any] {
    let data = Data(buffer: response.body)
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw DecodingFailure(text: String(decoding: data, as: UTF8.self))
    }
    return object
}

struct DecodingFailure: Error { let text: String }

func errorCode(_ response: LiveResponse) throws -> String? {
    (try decode(response)["error"] as? [String: Any])?["code"] as? String
}
