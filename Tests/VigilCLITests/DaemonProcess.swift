import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VigilTestSupport

/// A real `vigil serve` process on a free loopback port, for tests that must
/// treat the daemon as users and operating systems do (including kill -9).
final class DaemonProcess {
    let process = Process()
    let port: Int
    let log: URL
    /// An admin token created with `vigil token create` before the start.
    let adminToken: String

    convenience init(database: String, importRoot: String, extra: [String] = []) async throws {
        try await self.init(store: ["--db", database], log: URL(fileURLWithPath: database + ".log"), importRoot: importRoot, extra: extra)
    }

    /// A daemon on the store `store` names (`--db PATH`, or `--database URL --keys PREFIX`).
    /// `port`: a given one (a restart that clients must find again), else a free one.
    init(store: [String], log: URL, importRoot: String, extra: [String] = [], adminToken: String? = nil, port: Int? = nil) async throws {
        if let adminToken {
            self.adminToken = adminToken
        } else {
            let created = try await CLI.run(["token", "create", "--role", "admin", "--name", "crash-test"] + store)
            guard created.status == 0, let token = created.stdout.split(separator: "\n").last.map(String.init) else {
                throw DaemonFailure(message: "cannot create a token: \(created.stderr)")
            }
            self.adminToken = token
        }
        self.port = try port ?? Self.freePort()
        self.log = log
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = CLI.executable
        process.arguments = ["serve", "--port", "\(self.port)", "--import-root", importRoot,
                             "--models-dir", TestData.modelsDirectory] + store + extra
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// Waits until /v1/health answers.
    func waitUntilReady(timeout: Duration = .seconds(240)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if process.isRunning, (try? String(contentsOf: log, encoding: .utf8))?.contains("listening on") == true { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        throw DaemonFailure(message: "daemon not ready on port \(port): \(output.suffix(2000))")
    }

    func request(_ method: String, _ path: String, json body: [String: Any]? = nil) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.setValue("Bearer \(adminToken)", forHTTPHeaderField: "Authorization")
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, _) = try await URLSession.shared.data(for: request)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A request with any token (or none); the status, the headers and the JSON body.
    func send(_ method: String, _ path: String, token: String?, json body: [String: Any]? = nil) async throws
        -> (status: Int, headers: [AnyHashable: Any], body: [String: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http.allHeaderFields, (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    /// Starts the import of `manifest` and waits until at least `count` entries are
    /// acknowledged, the import still running (so it can be interrupted); how many were.
    func importUntil(_ manifest: String, acknowledged count: Int) async throws -> Int {
        let started = try await request("POST", "/v1/watchlist/imports", json: ["manifest": manifest])
        let id = try #require(started["id"] as? String)
        var acknowledged = 0
        while acknowledged < count {
            try await Task.sleep(for: .milliseconds(50))
            let status = try await request("GET", "/v1/watchlist/imports/\(id)")
            try #require(status["status"] as? String == "running", "the import ended before it could be interrupted: \(status)")
            acknowledged = ((status["progress"] as? [String: Any])?["imported"] as? Int) ?? 0
        }
        return acknowledged
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw DaemonFailure(message: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    struct DaemonFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
