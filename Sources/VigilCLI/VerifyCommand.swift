import ArgumentParser
import VigilScreening

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "1:1 at the counter: a traveller's live photo against their travel document's photo.",
        discussion: """
            --document is an ePassport's data group 2 (ICAO 9303: ISO/IEC 19794-5 records, JPEG or JPEG 2000 inside) \
            or a photo of the document. The threshold is verification's own (FMR 0.1% on the shipped calibration), not \
            the watchlist's. Recorded in the audit log. An aid to the officer, who decides.
            """)

    @OptionGroup var database: DatabaseOptions
    @Option(help: "The traveller's live photo.") var face: String
    @Option(help: "Data group 2 (DG2) or the document's photo.") var document: String
    @Flag(help: "Also screen the live photo against the watchlist.") var screen = false
    @Flag(help: "Print the result as JSON.") var json = false
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            let live = try ImageFile.read(face)
            let documentBytes = try ImageFile.read(document)
            try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                let result = try await service.verify(live: live, document: documentBytes, screen: screen)
                if json {
                    try? Output.json(result)
                } else {
                    print(Self.describe(result))
                }
            }
        }
    }

    static func describe(_ result: VerificationResult) -> String {
        let score = result.score.map { String(format: "%.3f", $0) } ?? "-"
        var lines = [String(format: "decision: %@   (score %@, threshold %.3f at FMR %.2g; verification %@)", result.decision.rawValue, score,
                            result.threshold, result.falseMatchRate, result.id.uuidString)]
        let d = result.document
        lines.append("document: \(d.source) \(d.format) \(d.width)×\(d.height)" + (d.recordVersion.map { ", ISO/IEC 19794-5 \($0) record" } ?? ""))
        if let reason = result.recaptureReason {
            let shortfalls = result.face.quality?.shortfalls.map(\.rawValue).joined(separator: ", ") ?? ""
            lines.append("recapture: \(reason)\(shortfalls.isEmpty ? "" : " (\(shortfalls))")")
        }
        if let screening = result.screening { lines.append("screening:\n" + ScreenCommand.describe(screening)) }
        lines.append("An aid to the officer, who compares the traveller with the document and decides.")
        return lines.joined(separator: "\n")
    }
}
