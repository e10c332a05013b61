import ArgumentParser
import Foundation
import VigilScreening

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bulk-load watchlist entries from a JSON Lines manifest (sample paths relative to it) or ANSI/NIST-ITL transactions.",
        discussion: """
            --format jsonl (the default): one JSON object per line: name, category, external_ref (makes re-runs
            idempotent), aliases, date_of_birth, nationality, documents, issuing_authority, legal_basis,
            handling_instructions, expires_at, faces (photo paths) and fingers (position to image or ISO/ANSI template
            path). Bad lines are reported as `line N: reason` and skipped; the rest are imported.

            --format ansi-nist: one entry per transaction file, in --category: the face from Type-10, fingers from
            Type-4/13/14 images (WSQ included) or Type-9 minutiae, details from Type-2 through --mapping (default: the
            common EBTS fields; docs/interchange.md). A file is reported as `line N` by its place in the list.

            Exits 0 even with rejected lines (see the report).
            """)

    enum Format: String, ExpressibleByArgument { case jsonl, ansiNist = "ansi-nist" }

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The manifest (.jsonl), or the transaction files with --format ansi-nist.") var inputs: [String]
    @Option(help: "jsonl or ansi-nist.") var format: Format = .jsonl
    @Option(help: "With --format ansi-nist: the category of every entry.") var category: String?
    @Option(help: "With --format ansi-nist: a Type-2 mapping file (JSON); default EBTS.") var mapping: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(name: .customLong("batch-size"), help: "Entries per transaction.") var batchSize = 50
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            var configuration = try common.configuration(database: database)
            configuration.importBatchSize = max(1, batchSize)
            try await ScreeningService.using(configuration) { service async throws(VigilError) in
                let display = ProgressDisplay()
                let report: ImportReport
                switch format {
                case .jsonl:
                    guard inputs.count == 1, category == nil, mapping == nil else {
                        throw VigilError(.invalidField, "a JSON Lines import takes one manifest and no --category or --mapping")
                    }
                    report = try await service.importManifest(at: inputs[0]) { display.show($0) }
                case .ansiNist:
                    guard let category else { throw VigilError(.missingField, "--format ansi-nist needs --category") }
                    let rules = try mapping.map { path throws(VigilError) in
                        guard let data = FileManager.default.contents(atPath: path) else { throw VigilError(.notFound, "cannot read \(path)") }
                        return try TransactionMapping.parse(data)
                    } ?? .ebts
                    report = try await service.importTransactions(at: inputs, category: category, mapping: rules) { display.show($0) }
                }
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
}
