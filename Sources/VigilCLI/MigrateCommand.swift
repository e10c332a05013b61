import ArgumentParser
import Foundation
import VigilScreening
import VigilStorage
import VigilStores

/// `vigil migrate --from var/vigil.sqlite --to postgres://...`.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move an embedded (SQLite) deployment into an empty PostgreSQL database: every record, version and the audit chain.",
        discussion: """
            Stop the daemon first. The keys beside the SQLite file are copied to --keys (var/central by default); \
            every node of the PostgreSQL database needs that same copy. The SQLite file is left as it was.
            """)

    @Option(help: "The SQLite database file to move.") var from: String
    @Option(help: "The PostgreSQL database to move it into (empty): postgres://USER@HOST:PORT/DB.") var to: String
    @Option(name: .customLong("keys"), help: "Where the nodes will read the keys (PATH.data-key, PATH.audit-key); default var/central.")
    var keyPath: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        guard to.hasPrefix("postgres://") || to.hasPrefix("postgresql://") else { throw ValidationError("--to takes a postgres:// URL") }
    }

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            let report: StoreMigration.Report
            do {
                report = try await StoreMigration.run(from: from, to: to, keyPath: keyPath) { line in
                    if !json { FileHandle.standardError.write(Data("migrate: \(line)\n".utf8)) }
                }
            } catch {
                throw VigilError(.invalidField, "migration refused: \(error)")
            }
            if json {
                try? Output.json(report)
            } else {
                print("moved \(report.rows.values.reduce(0, +)) rows; watchlist version \(report.watchlistVersion); "
                    + "audit chain of \(report.auditRecords) records verified; keys at \(report.keys).data-key and .audit-key")
            }
        }
    }
}
