import ArgumentParser
import VigilScreening

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bulk-load watchlist entries from a JSON Lines manifest (sample paths relative to it).",
        discussion: """
            One JSON object per line: name, category, external_ref (makes re-runs idempotent), aliases, date_of_birth,
            nationality, documents, issuing_authority, legal_basis, handling_instructions, expires_at, faces (photo
            paths) and fingers (position to image or ISO/ANSI template path). Bad lines are reported as
            `line N: reason` and skipped; the rest are imported. Exits 0 even with rejected lines (see the report).
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The manifest (.jsonl).") var manifest: String
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(name: .customLong("batch-size"), help: "Entries per transaction.") var batchSize = 50
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            var configuration = try common.configuration(database: database)
            configuration.importBatchSize = max(1, batchSize)
            let service = try await ScreeningService(configuration: configuration)
            let display = ProgressDisplay()
            let report = try await service.importManifest(at: manifest) { display.show($0) }
            if json {
                try? Output.json(report)
            } else {
                print("imported \(report.imported) of \(report.lines) lines in \(String(format: "%.1f", report.seconds)) s; "
                      + "\(report.skipped.count) already present, \(report.rejected.count) rejected; watchlist version \(report.version)")
                for rejection in report.rejected { print(rejection.text) }
            }
        }
    }
}
