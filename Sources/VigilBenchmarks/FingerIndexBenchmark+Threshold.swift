import VigilMatching
import VigilMetrics
import VigilScreening

extension FingerIndexBenchmark {
    /// What an officer is shown for one finger alone: the top candidate when
    /// it reaches the threshold a category's target FPIR sets at the
    /// gallery's size (`MatchSettings.comparisons`), else nobody. Rank-1s
    /// that differ below it are strangers no officer sees.
    struct OperatingThreshold {
        let score: Float

        init(targetFpir: Double, fingers: Int, calibration: ScoreCalibration) {
            score = calibration.score(atFalseMatchRate: MatchSettings.perComparisonRate(fpir: targetFpir, comparisons: fingers))
        }

        func shown(_ top: GalleryCandidate?) -> Int64? {
            guard let top, top.score >= score else { return nil }
            return top.subject
        }
    }
}
