import Foundation
import Testing
@testable import VigilDaemon
import VigilStorage
import VigilTestSupport

/// The console's files: embedded exactly as written, loading nothing inline
/// (the Content-Security-Policy forbids it), and every string they show
/// coming from both catalogues.
@Suite("The console's pages and string catalogues")
struct ConsoleAssetsTests {
    static let folder = TestData.projectRoot.appendingPathComponent("Sources/VigilDaemon/Console")

    func files() throws -> [String: String] {
        let enumerator = try #require(FileManager.default.enumerator(at: Self.folder, includingPropertiesForKeys: nil))
        var found: [String: String] = [:]
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            let name = String(url.path.dropFirst(Self.folder.path.count + 1))
            found[name] = try String(contentsOf: url, encoding: .utf8)
        }
        return found
    }

    func catalogue(_ language: String) throws -> [String: String] {
        let data = Data(try #require(try files()["i18n/\(language).json"]).utf8)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
    }

    @Test("the daemon embeds every console file exactly as written (scripts/embed-assets.py)")
    func embedded() throws {
        let onDisk = try files()
        #expect(Set(onDisk.keys) == Set(ConsoleAssets.files.keys))
        for (name, text) in onDisk { #expect(ConsoleAssets.files[name]?.body == text, "\(name) differs: run scripts/embed-assets.py") }
    }

    @Test("English and Urdu name the same strings, and every key the scripts use is in them")
    func catalogues() throws {
        let english = try catalogue("en"), urdu = try catalogue("ur")
        #expect(Set(english.keys) == Set(urdu.keys), "only in one: \(Set(english.keys).symmetricDifference(urdu.keys).sorted())")
        #expect(urdu.allSatisfy { !$0.value.isEmpty })
        // Keys passed literally to t("...") or named in data-i18n attributes and field/page helpers.
        let pattern = try NSRegularExpression(pattern: #"(?:\bt\(|UI\.(?:page|field)\(|data-i18n(?:-placeholder)?=)"([a-z0-9_]+)""#)
        var used: Set<String> = []
        for (name, text) in try files() where name.hasSuffix(".js") || name.hasSuffix(".html") {
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                used.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(used.count > 80)
        #expect(used.subtracting(english.keys).isEmpty, "missing from the catalogues: \(used.subtracting(english.keys).sorted())")
        // Keys built from API values: every value the API can send has its string.
        let built = ["decision_no_hit", "decision_review_required", "decision_recapture_required", "recapture_no_face_found",
                     "recapture_quality_insufficient", "state_pending", "state_awaiting_second_officer", "state_confirmed",
                     "state_not_a_match", "state_inconclusive", "state_disputed", "outcome_confirmed", "outcome_not_a_match",
                     "outcome_inconclusive", "role_post", "role_admin", "role_auditor", "sample_face", "sample_finger"]
            + ["inter_eye_distance_below_minimum", "sharpness_below_minimum", "too_dark", "too_bright"].map { "shortfall_\($0)" }
            + WatchlistAction.allCases.map { "event_\($0.rawValue)" }
            + ["right", "left"].flatMap { side in ["thumb", "index", "middle", "ring", "little"].map { "finger_\(side)_\($0)" } }
        #expect(Set(built).subtracting(english.keys).isEmpty, "\(Set(built).subtracting(english.keys).sorted())")
    }

    @Test("no inline script, style or event handler in the page (the policy would block it)")
    func noInlineCode() throws {
        let page = try #require(try files()["index.html"])
        #expect(!page.contains("<script>") && !page.contains("<style") && !page.contains(" style=") && !page.contains(" onclick="))
        for (name, text) in try files() where name.hasSuffix(".js") {
            #expect(!text.contains("innerHTML") && !text.contains("insertAdjacentHTML") && !text.contains("eval("), "\(name) parses markup")
        }
    }
}
