import Foundation
import NIOSSL
import PostgresNIO
import VigilStorage

/// A `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=...]` URL as
/// postgres-nio's client configuration. `host=/dir` (a query item) connects
/// through the Unix socket in that directory instead.
public struct PostgresLocation: Sendable, Equatable {
    public let user: String
    let password: String?
    public let host: String
    public let port: Int
    public let database: String
    /// `disable` (default), `prefer` or `require`.
    public let sslMode: String
    let socketDirectory: String?

    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(url text: String) throws(StorageError) {
        guard Self.isURL(text), let components = URLComponents(string: text) else {
            throw .cannotOpen(path: "postgres", reason: "not a postgres:// URL")
        }
        guard let user = components.percentEncodedUser.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else {
            throw .cannotOpen(path: "postgres", reason: "the URL names no user (postgres://USER@HOST:PORT/DB)")
        }
        self.user = user
        password = components.percentEncodedPassword?.removingPercentEncoding
        let items = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { _, last in last }
        socketDirectory = items["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        port = components.port ?? 5432
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        sslMode = items["sslmode"] ?? "disable"
        guard ["disable", "prefer", "require"].contains(sslMode) else {
            throw .cannotOpen(path: description, reason: "sslmode must be disable, prefer or require")
        }
    }

    /// The URL without its password, for logs and health reports.
    public var description: String {
        "postgres://\(user)@\(socketDirectory.map { "[\($0)]" } ?? "\(host):\(port)")/\(database)"
    }

    func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS = switch sslMode {
            case "require": .require(.makeClientConfiguration())
            case "prefer": .prefer(.makeClientConfiguration())
            default: .disable
            }
            configuration = .init(host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }
}
