import ArgumentParser
import VigilScreening

struct ScreenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "screen", abstract: "Screen a traveller's face photo against the watchlist.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The traveller's face photo.") var face: String?
    @Option(help: "Finger template as POSITION=FILE (repeatable).") var finger: [String] = []
    @Flag(help: "Print the result as JSON.") var json = false
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            let image = try face.map { path throws(VigilError) in try ImageFile.read(path) }
            let fingers = try FingerOptions.samples(finger)
            try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                let result = try await service.screen(face: image, fingers: fingers)
                if json {
                    try? Output.json(result)
                } else {
                    print(Self.describe(result))
                }
            }
        }
    }

    static func describe(_ result: ScreeningResult) -> String {
        var lines = ["decision: \(result.decision.rawValue)   (screening \(result.id.uuidString), watchlist version \(result.watchlistVersion))"]
        if let reason = result.recaptureReason {
            let shortfalls = result.face?.quality?.shortfalls.map(\.rawValue).joined(separator: ", ") ?? ""
            lines.append("recapture: \(reason)\(shortfalls.isEmpty ? "" : " (\(shortfalls))")")
        }
        lines += describe(result.candidates, indent: "  ")
        for (number, other) in (result.otherFaces ?? []).enumerated() {
            let box = other.face.box.map { "at \($0.x),\($0.y) \($0.width)x\($0.height)" } ?? ""
            let usable = other.face.quality?.acceptable == true ? "" : " (not usable: too small or unclear)"
            lines.append("other face \(number + 1) \(box)\(usable): \(other.candidates.isEmpty ? "no hit" : "candidates")")
            lines += describe(other.candidates, indent: "    ")
        }
        if result.decision == .reviewRequired { lines.append("Candidates are for an officer to examine; none is a verdict.") }
        return lines.joined(separator: "\n")
    }

    static func describe(_ candidates: [ScreeningResult.Candidate], indent: String) -> [String] {
        candidates.flatMap { candidate in
            let face = candidate.score.map { String(format: "face %.4f", $0) } ?? "face -"
            let fingers = candidate.fingerScores.sorted { $0.key < $1.key }.map { String(format: "%@ %.3f", $0.key, $0.value) }
            return [
                String(format: "%@#%d  evidence %.2f  (%@)  %@  %@  %@", indent, candidate.rank, candidate.fusedScore,
                       ([face] + fingers).joined(separator: ", "), candidate.category,
                       candidate.entryId.uuidString, candidate.name ?? "(protective: identity withheld)"),
                "\(indent)    \(candidate.action)\(candidate.confirmationsRequired > 1 ? " Two officers must confirm." : "")",
            ]
        }
    }
}
