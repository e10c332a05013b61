import Foundation
import VigilMatching

/// A deployment's own finger calibration: the report `vigil calibrate
/// fingers DATABASE… --out FILE` writes from its sensor's prints, loaded with
/// `--finger-calibration FILE`. Only the normalisation it fitted is used;
/// the score-to-rate table follows from it (`ShippedFingerCalibration.table`).
enum FingerCalibrationFile {
    static let population = "the deployment's own prints (normalised scale)"

    static func load(path: String) throws(VigilError) -> PairCountNormalisation {
        guard let data = FileManager.default.contents(atPath: path) else { throw VigilError(.notFound, "cannot read \(path)") }
        guard let report = try? VigilJSON.decoder().decode(FingerPairCountCalibration.Report.self, from: data) else {
            throw VigilError(.invalidField, "\(path) is not a finger calibration from 'vigil calibrate fingers --out'")
        }
        guard let normalisation = report.normalisation else {
            throw VigilError(.invalidField, "\(path) has no normalisation: a number of pairs is missing or its scores do not rise with rarity")
        }
        // Its last row is the scale every score is put on: it must be the
        // matcher's largest number of pairs, and every smaller one down to
        // its smallest must have been fitted.
        let matcher = CylinderMatcher()
        guard normalisation.firstPairs == matcher.minPairs, normalisation.quantiles.count == matcher.maxPairs - matcher.minPairs + 1 else {
            throw VigilError(.invalidField, "\(path) was fitted for \(normalisation.firstPairs) to "
                + "\(normalisation.firstPairs + normalisation.quantiles.count - 1) pairs, not \(matcher.minPairs) to \(matcher.maxPairs)")
        }
        return normalisation
    }
}
