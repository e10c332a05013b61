import ArgumentParser
import Foundation
import VigilBenchmarks
import VigilScreening

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure speed (benchmarks, not tests).",
                                                    subcommands: [BenchSearchCommand.self, BenchScreenCommand.self, BenchFingersCommand.self, BenchImportCommand.self, BenchFollowCommand.self])
}

extension SearchBenchmark.Layout: ExpressibleByArgument {}

struct BenchSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "1:N search on random unit vectors with mated probes, against the machine's streaming bandwidth and a scalar Float32 baseline.")

    @Option(help: "Templates in the gallery.") var gallery = 1_000_000
    @Option(help: "Vector dimension (multiple of 16); the face template size by default.") var dim = FacePipeline.shippedDimension
    @Option(help: "Mated probes searched one at a time.") var queries = 1_000
    @Option(help: "Scan threads.") var threads = 2
    @Option(help: "Index layout: int8 (quantised, rescored exactly) or f32 (single-thread reference).") var layout = SearchBenchmark.Layout.int8
    @Option(help: "Candidates per query.") var limit = 10
    @Option(name: .customLong("from-db"), help: "Also time start-up: fill this store (a SQLite file, or postgres://... with its keys at var/central) with the gallery (once) and load it.")
    var database: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        var options = SearchBenchmark.Options()
        options.gallery = gallery
        options.dimension = dim
        options.queries = queries
        options.threads = threads
        options.layout = layout
        options.limit = limit
        options.databasePath = database
        try await Output.run(json: json) { () async throws(VigilError) in
            let report = try await SearchBenchmark.run(options) { FileHandle.standardError.write(Data("bench: \($0)\n".utf8)) }
            if json {
                try? Output.json(report)
            } else {
                print(Self.describe(report))
            }
        }
    }

    static func describe(_ r: SearchBenchmark.Report) -> String {
        [
            "\(r.layout.rawValue) gallery \(r.gallery) x \(r.dimension), \(r.queries) mated probes, \(r.threads) thread(s)",
            String(format: "search: %.1f M vectors/s, %.2f GB/s = %.0f%% of the measured %.2f GB/s streaming bandwidth",
                   r.vectorsPerS / 1e6, r.gbPerS, r.fractionOfBandwidth * 100, r.bandwidthGbPerS),
            String(format: "latency: p50 %.3f ms, p99 %.3f ms (p99/p50 %.2f)", r.latencyMsP50, r.latencyMsP99, r.latencyMsP99 / r.latencyMsP50),
            String(format: "baseline scalar Float32: %.1f M vectors/s; speedup %.1fx", r.baselineVectorsPerS / 1e6, r.speedupVsBaseline),
            String(format: "rank-1 agreement with exact Float32: %.4f; %.1f bytes resident per template; index built in %.2f s",
                   r.rank1Agreement, r.bytesPerTemplate, r.buildSeconds),
        ].joined(separator: "\n") + (r.loadSeconds.map { String(format: "\nstart-up load from the store: %.2f s", $0) } ?? "")
    }
}

struct BenchScreenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "End-to-end screening latency (decode, detect, embed, search, record) on labelled photos.")

    @Option(help: "Folder of identities (DIR/<identity>/<image>); the first photo of each is enrolled.")
    var images = "../shared/data/faces/lfw10"
    @Option(help: "Times each probe photo is screened.") var repeats = 3
    @Option(help: "Synthetic entries added to the watchlist first.") var gallery = 0
    @Option(name: .customLong("database"), help: "Run on this PostgreSQL database (empty; postgres://...) instead of a temporary SQLite file.")
    var databaseURL: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @OptionGroup var common: CommonOptions

    func run() async throws {
        var options = ScreenBenchmark.Options()
        options.images = images
        options.repeats = repeats
        options.padding = gallery
        options.configuration = try common.configuration()
        options.configuration.databaseURL = databaseURL
        try await Output.run(json: json) { () async throws(VigilError) in
            let r = try await ScreenBenchmark.run(options) { FileHandle.standardError.write(Data("bench: \($0)\n".utf8)) }
            if json {
                try? Output.json(r)
            } else {
                print(String(format: "%d screenings against %d templates: p50 %.1f ms, p99 %.1f ms (analysis p50 %.1f ms, search p50 %.2f / p99 %.2f ms, record p50 %.2f ms)",
                             r.screenings, r.watchlistTemplates, r.latencyMsP50, r.latencyMsP99, r.analysisMsP50,
                             r.searchMsP50, r.searchMsP99, r.recordMsP50))
            }
        }
    }
}

struct BenchImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bulk import speed against the face model alone on the same photos, and screening latency during the import.")

    @Argument(help: "Folders of identities (DIR/<identity>/<image>) whose photos are cycled.")
    var images: [String] = ["../shared/data/faces/lfw10", "../shared/data/faces/johns"]
    @Option(help: "Entries per import.") var entries = 2_000
    @Option(name: .customLong("screening-rate"), help: "Screenings per second during the second import.") var screeningRate = 5.0
    @Option(name: .customLong("database"), help: "Run on this PostgreSQL database (empty; postgres://...) instead of a temporary SQLite file.")
    var databaseURL: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            var options = ImportBenchmark.Options()
            options.images = images
            options.entries = entries
            options.screeningRate = screeningRate
            options.configuration = try common.configuration()
            options.configuration.databaseURL = databaseURL
            let r = try await ImportBenchmark.run(options) { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
            if json { try? Output.json(r); return }
            print(String(format: "imported %d of %d entries in %.1f s (%.1f entries/s) with %d engines", r.imported, r.entries,
                         r.importSeconds, r.entriesPerSecond, r.engines))
            print(String(format: "face model alone on the same photos: %.1f s; import / model = %.2f", r.modelSeconds, r.importOverModel))
            print(String(format: "screening latency idle: p50 %.1f ms, p99 %.1f ms; during an import: p50 %.1f ms, p99 %.1f ms (%d screenings)",
                         r.screeningIdle.p50, r.screeningIdle.p99, r.screeningDuringImport.p50, r.screeningDuringImport.p99,
                         r.screeningsDuringImport))
            print("screening errors during the import: \(r.screeningErrors.isEmpty ? "none" : r.screeningErrors.description)")
        }
    }
}

struct BenchFollowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Change-to-searchable latency on a second node of one PostgreSQL database (p50/p99), beside the commit itself.")

    @Option(name: .customLong("database"), help: "An empty PostgreSQL database: postgres://USER@HOST:PORT/DB.") var databaseURL: String
    @Option(help: "Enrolments timed.") var changes = 300
    @Flag(help: "Print the report as JSON.") var json = false
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            let r = try await FollowBenchmark.run(databaseURL: databaseURL, changes: changes, configuration: try common.configuration()) {
                FileHandle.standardError.write(Data("bench: \($0)\n".utf8))
            }
            if json { try? Output.json(r); return }
            print(String(format: "%d changes: searchable on the other node p50 %.1f ms, p99 %.1f ms after the commit was acknowledged (commit itself p50 %.1f ms, p99 %.1f ms)",
                         r.changes, r.otherNode.p50, r.otherNode.p99, r.commit.p50, r.commit.p99))
        }
    }
}
