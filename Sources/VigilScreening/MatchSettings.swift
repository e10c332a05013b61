import Foundation
import VigilMatching
import VigilMetrics

/// Everything that decides a screening's candidates besides the probe and
/// the watchlist: recorded with each screening so a replay applies exactly
/// the settings that were in force.
public struct MatchSettings: Sendable, Codable, Equatable {
    public var thresholdOverride: Float?
    /// Category settings by name.
    public var categories: [String: WatchlistCategory]
    public var faceCalibration: ScoreCalibration
    public var fingerCalibration: ScoreCalibration
    /// What put finger scores on one scale (`fingerCalibration` is that
    /// scale's); nil in records from before a deployment could fit its own:
    /// the shipped one then.
    public var fingerNormalisation: PairCountNormalisation?
    public var evidenceFloorRate: Double
    public var maxCandidates: Int
    /// Used only when no category exists.
    public var defaultThreshold: Float
    /// Face templates a search compares the probe with (the current model's
    /// templates in the index): what turns a category's target FPIR into a
    /// per-comparison threshold. Nil in records from before targets existed.
    public var faceTemplates: Int?
    /// The most finger templates enrolled at any one position the subject's
    /// fingers were searched at; nil when no finger was searched (and in
    /// records from before finger searches counted). A traveller's fingers
    /// are compared with every listed finger at their positions, each a
    /// chance of a false match, so a category's target FPIR must hold over
    /// these comparisons as over the face templates: with a million fingers
    /// enrolled and a few thousand faces, the face count alone set a finger
    /// search's threshold a thousand times too weak.
    public var fingerTemplates: Int? = nil
    /// The previous recognizer's calibration while its templates are still
    /// searched (a re-embedding under way); nil otherwise.
    public var previousFaceCalibration: ScoreCalibration?

    /// The face threshold in force for a category: the override, else the
    /// threshold that holds its target FPIR at the watchlist's size, else its
    /// raw threshold.
    func threshold(of category: WatchlistCategory) -> Float {
        if let thresholdOverride { return thresholdOverride }
        guard let fpir = category.targetFpir else { return category.matchThreshold }
        return faceCalibration.score(atFalseMatchRate: Self.perComparisonRate(fpir: fpir, comparisons: comparisons))
    }

    /// The comparisons a target FPIR is spread over: the larger of the face
    /// templates and the busiest searched finger position's templates. Each
    /// listed person is one chance for a traveller not on the list to be
    /// shown (face and fingers become one evidence, by Fisher's method), and
    /// each further template of one kind another (the best is kept); the
    /// larger count is that number when people hold a template of each kind,
    /// and within a factor of two of it otherwise. A finger-only search is
    /// held to the face count when faces outnumber the fingers: stricter
    /// than its own comparisons need, never weaker. Before finger searches
    /// counted, every search was held to the face count alone.
    var comparisons: Int { max(1, faceTemplates ?? 1, fingerTemplates ?? 0) }

    /// These settings for a search of the given fingers' results: the
    /// target FPIR spread over the templates they were compared with too.
    func searching(fingers searches: some Sequence<FingerSearch>) -> MatchSettings {
        var settings = self
        settings.fingerTemplates = searches.map(\.eligible).max()
        return settings
    }

    /// The per-comparison FMR f with 1 − (1 − f)^N = FPIR: a traveller not
    /// on the list is compared with N templates, each a chance of a false
    /// match. Taking N as the whole face watchlist (not just the category's
    /// templates) can only make a category's FPIR lower than its target.
    public static func perComparisonRate(fpir: Double, comparisons: Int) -> Double {
        let n = Double(max(1, comparisons))
        return -expm1(log1p(-min(max(fpir, 1e-12), 1 - 1e-12)) / n)
    }

    /// The FPIR a per-comparison threshold gives at the watchlist's size.
    func expectedFpir(at threshold: Float) -> Double {
        let f = faceCalibration.falseMatchRate(at: threshold)
        return -expm1(Double(comparisons) * log1p(-min(f, 1 - 1e-12)))
    }

    /// The lowest threshold of any category: nothing weaker can be a candidate.
    var lowestThreshold: Float { categories.values.map(threshold).min() ?? thresholdOverride ?? defaultThreshold }

    /// Face scores below this are not collected (they add no evidence).
    var faceFloor: Float { min(lowestThreshold, faceCalibration.score(atFalseMatchRate: evidenceFloorRate)) }
    /// The floor on the previous recognizer's scale (the same estimated FMR).
    var previousFaceFloor: Float? { previousFaceCalibration?.score(atFalseMatchRate: faceCalibration.falseMatchRate(at: faceFloor)) }
    var fingerFloor: Float { fingerCalibration.score(atFalseMatchRate: evidenceFloorRate) }
}

extension MatchSettings {
    /// A previous-recognizer score put on the running recognizer's scale:
    /// the running recognizer's score with the same estimated false-match
    /// rate, so thresholds, evidence and FPIR targets mean the same for both.
    func onCurrentScale(previousScore score: Float) -> Float {
        guard let previousFaceCalibration else { return score }
        return faceCalibration.score(atFalseMatchRate: previousFaceCalibration.falseMatchRate(at: score))
    }
}

/// What one subject matched in each modality.
struct SubjectEvidence: Sendable {
    var face: Float?
    var fingers: [FingerPosition: Float] = [:]
}

/// A subject that reached its category's evidence, in rank order.
struct RankedSubject: Sendable {
    let key: Int64
    let category: WatchlistCategory
    let evidence: SubjectEvidence
    /// Rounded to 3 decimals, as reported.
    let fused: Double
}

/// The fusion rule: each modality's score becomes evidence (−log10 of its
/// estimated false-match rate) and a subject's evidence combines them by
/// Fisher's method, so a finger not enrolled for it counts neither for nor
/// against it. A subject
/// is a candidate when it reaches the evidence its category's face threshold
/// implies and its entry has not expired at `now`. Pure: the live screening
/// and the audit replay rank with the same code.
enum Fusion {
    struct EntryState: Sendable {
        let category: String
        let expiresAt: Date?
    }

    static func rank(_ evidence: [Int64: SubjectEvidence], settings: MatchSettings, now: Date,
                     state: (Int64) -> EntryState?) -> [RankedSubject] {
        evidence.compactMap { key, e -> RankedSubject? in
            guard let entry = state(key), entry.expiresAt.map({ $0 > now }) ?? true,
                  let category = settings.categories[entry.category] else { return nil }
            let total = Fusion.evidence(e, settings: settings)
            guard total >= required(category, settings: settings) else { return nil }
            return RankedSubject(key: key, category: category, evidence: e, fused: (total * 1000).rounded() / 1000)
        }
        .sorted { $0.fused != $1.fused ? $0.fused > $1.fused : $0.key < $1.key }
        .prefix(settings.maxCandidates)
        .map { $0 }
    }

    /// The fused evidence of what one subject matched: each modality's, by
    /// Fisher's method (`EvidenceCombination`).
    static func evidence(_ e: SubjectEvidence, settings: MatchSettings) -> Double {
        let face = e.face.map { [settings.faceCalibration.evidence($0)] } ?? []
        return EvidenceCombination.fisher(face + e.fingers.values.map(settings.fingerCalibration.evidence))
    }

    /// The evidence a candidate of `category` needs: what its face threshold implies.
    static func required(_ category: WatchlistCategory, settings: MatchSettings) -> Double {
        settings.faceCalibration.evidence(settings.threshold(of: category))
    }
}
