import Testing
import VigilMetrics

@Suite("Verification error rates")
struct VerificationErrorRatesTests {
    @Test("perfectly separated scores have zero EER")
    func separated() {
        let rates = VerificationErrorRates(genuine: [0.9, 0.95, 0.8], impostor: [0.1, 0.2, 0.3, 0.4])
        #expect(VerificationErrorRates.equalErrorValue(rates.equalErrorRate()) == 0)
        #expect(rates.falseMatchRate(at: 0.35) == 0.25)
        #expect(rates.falseNonMatchRate(at: 0.85) == 1.0 / 3.0)
    }

    @Test("EER of overlapping distributions")
    func overlapping() {
        // Genuine 1...10, impostor 6...15 mirrored: at t = 10.5 FMR = FNMR... choose a symmetric case.
        let genuine: [Float] = (1...10).map { Float($0) + 5 }    // 6...15
        let impostor: [Float] = (1...10).map { Float($0) }       // 1...10
        let rates = VerificationErrorRates(genuine: genuine, impostor: impostor)
        let eer = rates.equalErrorRate()
        // At t = 8: impostors 8,9,10 accepted (30%); genuine 6,7 rejected (20%). At t = 9: 20% / 30%.
        #expect(abs(VerificationErrorRates.equalErrorValue(eer) - 0.25) < 1e-9)
    }

    @Test("threshold for a false-match rate")
    func thresholdForRate() {
        let impostor: [Float] = (0..<1000).map { Float($0) / 1000 }
        let rates = VerificationErrorRates(genuine: [0.5, 0.999, 2], impostor: impostor)
        let t = rates.threshold(forFalseMatchRate: 0.01)
        #expect(rates.falseMatchRate(at: t) <= 0.01)
        #expect(rates.falseMatchRate(at: t.nextDown) > 0.01)
        let zero = rates.threshold(forFalseMatchRate: 0)
        #expect(rates.falseMatchRate(at: zero) == 0)
        #expect(rates.operatingPoint(atFalseMatchRate: 0).falseNonMatchRate == 2.0 / 3.0)
    }

    @Test("failures to enrol count against genuine pairs and never as matches")
    func failuresToEnrol() {
        let rates = VerificationErrorRates(genuine: [0.9, -.infinity], impostor: [0.1, -.infinity])
        #expect(rates.falseNonMatchRate(at: -1000) == 0.5)
        #expect(rates.falseMatchRate(at: -1000) == 0.5)
        #expect(rates.falseMatchRate(at: 0.5) == 0)
    }
}

@Suite("Score calibration")
struct ScoreCalibrationTests {
    let face = ScoreCalibration(score1: 0.8979, falseMatchRate1: 0.01, score2: 0.9113, falseMatchRate2: 0.001)

    @Test("reproduces both anchor points and is monotonic")
    func anchors() {
        #expect(abs(face.evidence(0.8979) - 2) < 1e-3)
        #expect(abs(face.evidence(0.9113) - 3) < 1e-3)
        #expect(abs(Double(face.score(atFalseMatchRate: 0.01)) - 0.8979) < 1e-4)
        var last = -1.0
        for s in stride(from: Float(0.7), through: 1.0, by: 0.01) {
            let e = face.evidence(s)
            #expect(e >= last)
            last = e
        }
    }

    @Test("evidence is bounded")
    func bounds() {
        #expect(face.evidence(-1) == 0 || face.evidence(-1) < 1e-6)
        #expect(face.evidence(1) <= ScoreCalibration.maximumEvidence)
        #expect(face.evidence(10) == ScoreCalibration.maximumEvidence)
    }
}
