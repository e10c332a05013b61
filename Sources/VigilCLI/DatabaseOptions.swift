import ArgumentParser
import Foundation
import VigilScreening

/// Where a command's data is: an embedded SQLite file (`--db`), or a
/// PostgreSQL database shared by several nodes (`--database` or
/// `VIGIL_DATABASE_URL`), with the key files (`--keys`).
struct DatabaseOptions: ParsableArguments {
    @Option(help: "SQLite database file (the embedded default; created if missing).")
    var db = "var/vigil.sqlite"

    @Option(name: .customLong("database"),
            help: "A PostgreSQL database shared by several nodes: postgres://USER@HOST:PORT/DB (also VIGIL_DATABASE_URL). Overrides --db.")
    var url: String?

    @Option(name: .customLong("keys"),
            help: "Path prefix of the data and audit key files (PATH.data-key, PATH.audit-key): beside --db by default, var/central with --database. Every node of one PostgreSQL database needs the same files.")
    var keyPath: String?

    /// `--database`, else `VIGIL_DATABASE_URL`, else nil (SQLite).
    var databaseURL: String? {
        url ?? ProcessInfo.processInfo.environment["VIGIL_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func validate() throws {
        if let url = databaseURL, !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) {
            throw ValidationError("--database takes a postgres:// URL; a SQLite file goes to --db")
        }
    }

    /// Puts the location into a configuration.
    func apply(to configuration: inout ServiceConfiguration) {
        configuration.databasePath = db
        configuration.databaseURL = databaseURL
        configuration.keyPath = keyPath
    }

    /// For messages: the file or the URL without its password.
    var shown: String {
        var configuration = ServiceConfiguration()
        apply(to: &configuration)
        return configuration.storeLocation.description
    }
}
