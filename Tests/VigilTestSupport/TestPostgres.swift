import Foundation

/// The private PostgreSQL cluster `make test` starts (scripts/test-postgres.sh),
/// named by `VIGIL_TEST_POSTGRES`. Outside CI, tests that need it are
/// skipped with a message when it is absent; under CI (`CI=true`) they run and
/// fail, so a missing server never passes silently.
public enum TestPostgres {
    /// The cluster's admin URL, if the tests were given one.
    public static var adminURL: String? {
        ProcessInfo.processInfo.environment["VIGIL_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// How long a test's store waits to reach the server. The store's own
    /// deadlines (10 s, 60 s to open) are for a node; on the two-core CI host
    /// the tests' many processes and synchronous waits can hold every
    /// cooperative thread for a minute, and the deadline's timer then fires
    /// before the already-connected store's task runs again (a CI run saw an
    /// open fail so while the server logged the open transaction). Failing
    /// fast when the server is gone is tested on the daemon, not here.
    public static let deadline: Duration = .seconds(300)

    /// Whether PostgreSQL tests should run: a server was given, or CI requires one.
    public static var enabled: Bool {
        if adminURL != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" { return true }
        FileHandle.standardError.write(Data("""
            note: PostgreSQL tests skipped: VIGIL_TEST_POSTGRES is not set. `make test` starts a private cluster \
            (scripts/test-postgres.sh start); under CI=true these tests fail instead.\n
            """.utf8))
        return false
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// A new, empty database on the test cluster; its URL.
    public static func freshDatabase() throws -> String {
        guard let admin = adminURL else {
            throw Unavailable(description: "VIGIL_TEST_POSTGRES is not set: run the tests through `make test` (it starts the cluster)")
        }
        let name = "vigil_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
        try psql(admin, "CREATE DATABASE \(name)")
        guard let slash = admin.lastIndex(of: "/") else { throw Unavailable(description: "unreadable URL \(admin)") }
        return admin[..<slash] + "/" + name
    }

    /// Runs SQL through `psql` (what an operator or an attacker with database access would do).
    @discardableResult
    public static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "psql failed: \(String(decoding: err, as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
