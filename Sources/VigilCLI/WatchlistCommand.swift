import ArgumentParser
import Foundation
import VigilScreening

struct WatchlistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchlist", abstract: "Administer the watchlist: entries, samples, categories, history, duplicates.",
        subcommands: [List.self, Show.self, Update.self, Remove.self, AddSample.self, RemoveSample.self, Categories.self,
                      SetCategory.self, Version.self, History.self, Duplicates.self, Purge.self, Reembed.self,
                      ExportBundle.self, ImportBundle.self, ExportNIST.self])

    /// Options every watchlist subcommand shares.
    struct Shared: ParsableArguments {
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var common: CommonOptions

        /// Opens the service and runs `body`, printing its value as JSON or through `text`.
        func run<T: Encodable>(_ body: (ScreeningService) async throws(VigilError) -> T, text: (T) -> String) async throws {
            try await Output.run(json: json) { () async throws(VigilError) in
                try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                    let value = try await body(service)
                    if json { try? Output.json(value) } else { print(text(value)) }
                }
            }
        }
    }

    static func entryID(_ text: String) throws(VigilError) -> UUID {
        guard let id = UUID(uuidString: text) else { throw VigilError(.notFound, "'\(text.prefix(40))' is not an entry id") }
        return id
    }

    static func describe(_ e: EntryResponse) -> String {
        let expiry = e.details.expiresAt.map { " expires \(ISO8601DateFormatter().string(from: $0))" } ?? ""
        return "\(e.id.uuidString)  \(e.details.category)  \(e.details.name)  \(e.samples.count) samples\(expiry)"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List entries: { \"entries\": [...], \"version\": N } with --json.")
        @Option(help: "Only this category.") var category: String?
        @Option(name: .customLong("expires-before"), help: "Only entries expiring by this date.") var expiresBefore: String?
        @Option(help: "Entries per page (1-1000).") var limit = 50
        @Option(help: "Entries to skip.") var offset = 0
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in
                var query = EntryQuery(category: category, limit: limit, offset: offset)
                if let expiresBefore {
                    guard let date = VigilJSON.parseDate(expiresBefore) else { throw VigilError(.invalidField, "--expires-before must be a date") }
                    query.expiresBefore = date
                }
                return try await service.entries(query)
            }, text: { page in
                (page.entries.map(WatchlistCommand.describe) + ["\(page.entries.count) of \(page.total) entries; watchlist version \(page.version)"])
                    .joined(separator: "\n")
            })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one entry with its samples.")
        @Argument(help: "Entry id.") var id: String
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in try await service.entry(id: try WatchlistCommand.entryID(id)) },
                                 text: { e in ([WatchlistCommand.describe(e)] + e.samples.map { "  \($0.id)  \($0.position?.rawValue ?? $0.kind)  sha256 \($0.digest)" })
                                     .joined(separator: "\n") })
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an entry's details (options not given stay as they are).")
        @Argument(help: "Entry id.") var id: String
        @Option(help: "New display name.") var name: String?
        @Option(help: "New category.") var category: String?
        @OptionGroup var entry: EntryOptions
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in
                try await service.update(id: try WatchlistCommand.entryID(id), try entry.patch(name: name, category: category))
            }, text: WatchlistCommand.describe)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an entry; its templates are erased, the event keeps their digests.")
        @Argument(help: "Entry id.") var id: String
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in try await service.remove(id: try WatchlistCommand.entryID(id)) },
                                 text: { "removed; watchlist version \($0.version)" })
        }
    }

    struct AddSample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-sample", abstract: "Add face photos or fingers to an entry.")
        @Argument(help: "Entry id.") var id: String
        @Option(help: "Face photo (repeatable).") var face: [String] = []
        @Option(help: "Finger as POSITION=FILE (repeatable).") var finger: [String] = []
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in
                let faces = try face.map { path throws(VigilError) in try ImageFile.read(path) }
                return try await service.addSamples(id: try WatchlistCommand.entryID(id), faces: faces, fingers: try FingerOptions.samples(finger))
            }, text: WatchlistCommand.describe)
        }
    }

    struct RemoveSample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-sample", abstract: "Erase one sample (e.g. face-12) of an entry.")
        @Argument(help: "Entry id.") var id: String
        @Argument(help: "Sample id as `watchlist show` lists it.") var sample: String
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in
                try await service.removeSample(id: try WatchlistCommand.entryID(id), sample: sample)
            }, text: WatchlistCommand.describe)
        }
    }

    struct Categories: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List categories with their target FPIR, the threshold in force at the watchlist's size, confirmations and actions.")
        @OptionGroup var shared: Shared

        struct View: Encodable {
            let categories: [WatchlistCategory]
            let faceOperatingPoints: [FaceOperatingPoint]
        }

        func run() async throws {
            try await shared.run({ service in View(categories: service.categories(), faceOperatingPoints: service.faceOperatingPoints()) },
                                 text: { value in
                value.categories.map { category in
                    let point = value.faceOperatingPoints.first { $0.category == category.name }
                    let target = category.targetFpir.map { String(format: "target FPIR %g", $0) } ?? String(format: "raw threshold %.3f", category.matchThreshold)
                    var line = String(format: "%@  %@: face threshold %.4f, expected FPIR %.4f  %d officer(s)%@\n    %@", category.name, target,
                                      point?.threshold ?? category.matchThreshold, point?.expectedFpir ?? 0, category.confirmations,
                                      category.protective ? "  PROTECTIVE" : "", category.action)
                    if let advice = point?.recommendation { line += "\n    NOTE: " + advice }
                    return line
                }.joined(separator: "\n")
            })
        }
    }

    struct SetCategory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-category", abstract: "Create or change a category (a versioned event).")
        @Argument(help: "Category name (a-z, 0-9, _).") var name: String
        @Option(help: "What the category means.") var description: String
        @Option(help: "Share of travellers not on the list who may be shown a candidate of this category per search, e.g. 0.01.")
        var targetFpir: Double?
        @Option(help: "Raw face threshold (fused score) for experiments, used only without --target-fpir.")
        var threshold: Float = ServiceConfiguration.defaultMatchThreshold
        @Option(help: "Officers who must confirm a hit (1 or 2).") var confirmations = 1
        @Option(help: "Action text shown to the officer.") var action: String
        @Flag(help: "A protective category (missing persons, victims).") var protective = false
        @Option(help: "Need to know: a post cleared for this category (its node token's name); repeatable. None: every post.")
        var post: [String] = []
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in
                var category = WatchlistCategory(name: name, description: description, protective: protective,
                                                 matchThreshold: threshold, targetFpir: targetFpir, confirmations: confirmations, action: action)
                category.posts = post.isEmpty ? nil : post
                return ["version": try await service.setCategory(category)]
            }, text: { "category \(name) set; watchlist version \($0["version"] ?? 0)" })
        }
    }

    struct Reembed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild face templates of another recognizer from their sealed reference photos; list entries without one.")
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in
                try await service.reembedFaces { done, total in
                    if total > 0 { FileHandle.standardError.write(Data("\rre-embedding \(done)/\(total)".utf8)) }
                }
            }, text: { report in
                var lines = ["\nrebuilt \(report.rebuilt) face templates with \(report.model)"]
                if !report.needReenrolment.isEmpty {
                    lines.append("\(report.needReenrolment.count) entries have no reference photo and need new photos:")
                    lines += report.needReenrolment.map { "  \($0.uuidString)" }
                }
                lines += report.failed.map { "failed: \($0.entryId.uuidString): \($0.reason)" }
                return lines.joined(separator: "\n")
            })
        }
    }

    struct Version: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The watchlist version and size.")
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service in service.versionReport() },
                                 text: { "version \($0.version): \($0.entries) entries, \($0.faceTemplates) face and \($0.fingerTemplates) finger templates" })
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Watchlist events from a version on.")
        @Option(help: "First version to show.") var from: Int64 = 1
        @Option(help: "Events to show.") var limit = 100
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in ["events": try await service.events(from: from, limit: limit)] },
                                 text: { ($0["events"] ?? []).map { "\($0.version)  \($0.action.rawValue)  \($0.subject)" }.joined(separator: "\n") })
        }
    }

    struct Duplicates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pairs of entries whose faces and fingers, fused as in a screening, reach their categories' thresholds.")
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in ["pairs": try await service.duplicates()] }, text: { value in
                let pairs = value["pairs"] ?? []
                return (pairs.map { pair in
                    let face = pair.score.map { String(format: "face %.4f", $0) } ?? "face -"
                    let fingers = pair.fingerScores.keys.sorted().map { String(format: " %@ %.4f", $0, pair.fingerScores[$0]!) }.joined()
                    return String(format: "%.3f  %@  %@ (%@)  %@ (%@)", pair.fusedScore, face + fingers, pair.first.uuidString, pair.firstCategory,
                                  pair.second.uuidString, pair.secondCategory)
                } + ["\(pairs.count) pairs"]).joined(separator: "\n")
            })
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Purge expired entries and screening records past retention now.")
        @OptionGroup var shared: Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in
                let outcome = try await service.enforceRetention()
                return RemovalResponse(removed: outcome.expired, version: service.versionReport().version)
            }, text: { "purged \($0.removed.count) expired entries; watchlist version \($0.version)" })
        }
    }
}
