import Foundation
import Testing
import VigilMatching
import VigilMetrics
@testable import VigilScreening

@Suite("The shipped finger calibration")
struct FingerCalibrationTests {
    @Test("reproduces the normalisation's fitted quantiles at their rates, and runs on exponentially past them")
    func table() {
        let normalisation = PairCountNormalisation.shipped
        let calibration = ServiceConfiguration().fingerCalibration
        let reference = normalisation.quantiles[normalisation.quantiles.count - 1]
        for (rate, score) in zip([PairCountNormalisation.floorRate] + PairCountNormalisation.rates, [normalisation.floor] + reference) {
            #expect(abs(calibration.score(atFalseMatchRate: rate) - score) < 1e-6, "\(rate)")
            #expect(abs(calibration.evidence(score) + log10(rate)) < 1e-6, "\(rate)")
        }
        // Past the rarest fitted rate every decade costs the last fitted decade's step.
        let step = Double(reference[reference.count - 1] - reference[reference.count - 2])
        for decade in 6...12 {
            let gained = Double(calibration.score(atFalseMatchRate: pow(10, -Double(decade)))
                                - calibration.score(atFalseMatchRate: pow(10, -Double(decade - 1))))
            #expect(abs(gained - step) < 1e-5, "decade \(decade)")
        }
        // Stricter than a Gaussian through the 1% and 0.1% points where a large gallery needs it.
        let gaussian = ScoreCalibration(score1: Double(calibration.score(atFalseMatchRate: 0.01)), falseMatchRate1: 0.01,
                                        score2: Double(calibration.score(atFalseMatchRate: 0.001)), falseMatchRate2: 0.001)
        #expect(calibration.score(atFalseMatchRate: 1e-8) > gaussian.score(atFalseMatchRate: 1e-8) + 0.01)
        let points = calibration.measured?.points ?? []
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.rate > $1.rate && $0.score < $1.score } && points.last?.rate == 1e-12)
    }
}
