import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// A real Chromium, headless, driven through chromedriver's W3C WebDriver
/// protocol (plain HTTP and JSON): the console is tested the way an officer
/// uses it. One browser per instance, used from one task.
final class WebDriver {
    enum Failure: Error, CustomStringConvertible {
        case notInstalled
        case driverDidNotStart(String)
        case command(String, String)
        case timedOut(String)

        var description: String {
            switch self {
            case .notInstalled: return "chromium and chromium-driver are not installed (scripts/install-deps.sh installs them)"
            case .driverDidNotStart(let output): return "chromedriver did not start: \(output)"
            case .command(let what, let message): return "\(what): \(message)"
            case .timedOut(let what): return "timed out waiting for \(what)"
            }
        }
    }

    static let driverPath = "/usr/bin/chromedriver"
    static let browserPath = "/usr/bin/chromium"
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: driverPath) && FileManager.default.isExecutableFile(atPath: browserPath)
    }

    private let driver: Process
    private var session = ""
    /// HTTP/1.1 to chromedriver (HummingbirdTesting's NIO client; Foundation's
    /// URLSession on Linux failed on chromedriver's responses).
    private let http: TestClient

    /// Starts chromedriver on a free port and a headless browser at the
    /// counter's screen size, with a fake camera (getUserMedia works).
    init() async throws {
        guard Self.isInstalled else { throw Failure.notInstalled }
        driver = Process()
        driver.executableURL = URL(fileURLWithPath: Self.driverPath)
        driver.arguments = ["--port=0"]
        let output = Pipe()
        driver.standardOutput = output
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        // chromedriver picks a free port and says which on its first lines.
        let reader = output.fileHandleForReading
        let (seen, port) = await Task.detached { () -> (String, Int?) in
            var seen = ""
            while seen.count < 4096 {
                let chunk = reader.availableData
                if chunk.isEmpty { break }   // the driver exited
                seen += String(decoding: chunk, as: UTF8.self)
                if let range = seen.range(of: "started successfully on port ") {
                    let rest = seen[range.upperBound...]
                    // The number is complete once something follows it.
                    if rest.contains(where: { !$0.isNumber }) { return (seen, Int(rest.prefix { $0.isNumber })) }
                }
            }
            return (seen, nil)
        }.value
        guard let port else {
            driver.terminate()
            throw Failure.driverDidNotStart(seen)
        }
        http = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(120)))
        http.connect()
        let capabilities: [String: Any] = ["capabilities": ["alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
                "binary": Self.browserPath,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,768", "--disable-dev-shm-usage",
                         "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--lang=en-GB"],
            ],
        ]]]
        do {
            let created = try await request("POST", "/session", capabilities) as? [String: Any]
            session = created?["sessionId"] as? String ?? ""
        } catch {
            try? await http.shutdown()
            driver.terminate()
            throw error
        }
    }

    /// Ends the browser and the driver.
    func quit() async {
        if !session.isEmpty { _ = try? await command("DELETE", "") }
        try? await http.shutdown()
        driver.terminate()
        // Polled: Foundation's waitUntilExit spins a run loop at full CPU off the main thread on Linux.
        for _ in 0..<100 where driver.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        if driver.isRunning { kill(driver.processIdentifier, SIGKILL) }
    }

    // MARK: Commands

    func open(_ url: String) async throws {
        _ = try await command("POST", "/url", ["url": url])
    }

    /// How long a wait for the page lasts before the test fails. Generous:
    /// what a page waits on is the server's work (face models, imports) on a
    /// two-core machine running other suites beside it; these tests assert
    /// what appears, and how fast it appears is the benchmarks' business.
    static let patience = Duration.seconds(180)

    /// The first element matching `css`, waiting up to `timeout` for it to appear.
    @discardableResult
    func element(_ css: String, timeout: Duration = WebDriver.patience) async throws -> String {
        try await waitFor("element \(css)", timeout: timeout) {
            guard let found = try? await self.command("POST", "/element", ["using": "css selector", "value": css]) as? [String: Any] else {
                return nil
            }
            return found.values.first as? String
        }
    }

    func click(_ css: String) async throws {
        let id = try await element(css)
        _ = try await command("POST", "/element/\(id)/click", [:])
    }

    /// Types into an input; for a file input, `text` is the file's path (several joined by newlines).
    func type(_ css: String, _ text: String) async throws {
        let id = try await element(css)
        _ = try await command("POST", "/element/\(id)/value", ["text": text])
    }

    func text(_ css: String) async throws -> String {
        let id = try await element(css)
        return try await command("GET", "/element/\(id)/text") as? String ?? ""
    }

    /// Waits until the element's text contains `expected`; returns the text.
    @discardableResult
    func waitForText(_ css: String, containing expected: String, timeout: Duration = WebDriver.patience) async throws -> String {
        try await waitFor("\(css) to show '\(expected)'", timeout: timeout) {
            guard let text = try? await self.text(css), text.contains(expected) else { return nil }
            return text
        }
    }

    /// Runs a script in the page; its return value, JSON-decoded.
    func script(_ source: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": source, "args": arguments])
    }

    /// Runs an asynchronous script (its last argument is the callback to call with the result).
    func asyncScript(_ source: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/async", ["script": source, "args": arguments])
    }

    /// Writes a PNG of the viewport (under `.build/`, for a person to look at).
    func screenshot(_ name: String) async throws {
        guard let encoded = try await command("GET", "/screenshot") as? String, let png = Data(base64Encoded: encoded) else { return }
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/console-screenshots")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try png.write(to: folder.appendingPathComponent("\(name).png"))
    }

    // MARK: Protocol

    private func waitFor<Value>(_ what: String, timeout: Duration, _ probe: () async throws -> Value?) async throws -> Value {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let value = try await probe() { return value }
            guard ContinuousClock.now < deadline else { throw Failure.timedOut(what) }
            try await Task.sleep(for: .milliseconds(150))
        }
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await request(method, "/session/\(session)\(path)", body)
    }

    private func request(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        var headers: HTTPFields = [.connection: "keep-alive"]
        var buffer: ByteBuffer?
        if let body {
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))
            headers[.contentType] = "application/json"
        }
        let response = try await http.execute(TestClient.Request(path, method: HTTPRequest.Method(method)!, authority: "127.0.0.1",
                                                                  headers: headers, body: buffer))
        let data = Data(buffer: response.body ?? ByteBuffer())
        let object = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? [String: Any]
        let value = object?["value"]
        guard response.head.status.code == 200 else {
            let message = (value as? [String: Any])?["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure.command("\(method) \(path)", String(message.prefix(300)))
        }
        return value is NSNull ? nil : value
    }
}
