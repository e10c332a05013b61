import Dispatch
import Foundation
import VigilMatching

/// `vigil bench fingers`: MCC template comparisons per second on one core,
/// each probe against a gallery of synthetic prints with realistic minutiae
/// counts (30 to 50, uniformly, spread like a 500 dpi plain impression). A
/// probe is a noisy second impression of one gallery print (moved, jittered,
/// minutiae lost and added), so each search holds one mated comparison
/// among non-mated ones, as a 1:N search does. The baseline, in the same
/// run, is the paper's algorithm written plainly (`ReferenceCylinderMatcher`)
/// on the first `baselineGallery` templates.
public enum FingerBenchmark {
    public struct Report: Sendable, Codable {
        public let gallery: Int
        public let probes: Int
        public let meanMinutiae: Double
        public let comparesPerSecondPerCore: Double
        public let baselineComparesPerSecondPerCore: Double
        public let speedupVsBaseline: Double
        /// Largest |optimised − baseline| score over the pairs both compared.
        public let maxScoreDifference: Float
        /// Share of probes whose own print ranks first.
        public let rank1: Double
        public let templateMsPerPrint: Double
        /// Sum of every score's bit pattern (wrapping): an optimisation that
        /// claims identical scores must leave it unchanged.
        public let scoreChecksum: UInt64
    }

    public static func run(gallery: Int, probes: Int = 5, baselineGallery: Int = 200, seed: UInt64 = 3) -> Report {
        var rng = Random(seed: seed)
        func print() -> [FingerMinutia] {
            let count = 30 + Int(rng.next() % 21)
            return (0..<count).map { _ in
                FingerMinutia(x: 40 + (rng.uniform() + 1) * 110, y: 40 + (rng.uniform() + 1) * 160, direction: rng.uniform() * .pi)
            }
        }
        let prints = (0..<max(1, gallery)).map { _ in print() }
        let built = DispatchTime.now().uptimeNanoseconds
        let templates = prints.map { CylinderTemplate(minutiae: $0) }
        let templateNs = Double(DispatchTime.now().uptimeNanoseconds - built) / Double(prints.count)
        let probeTemplates = (0..<probes).map { p in
            CylinderTemplate(minutiae: impression(of: prints[p % prints.count], extra: print(), using: &rng))
        }

        let matcher = CylinderMatcher()
        let workspace = CylinderMatcher.Workspace()
        var checksum: UInt64 = 0
        var mated = 0
        var scores = [Float](repeating: 0, count: templates.count)
        let start = DispatchTime.now().uptimeNanoseconds
        for (p, probe) in probeTemplates.enumerated() {
            for (g, candidate) in templates.enumerated() { scores[g] = matcher.score(probe, candidate, using: workspace) }
            for s in scores { checksum &+= UInt64(s.bitPattern) }
            if scores.indices.max(by: { scores[$0] < scores[$1] }) == p % templates.count { mated += 1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9

        let reference = ReferenceCylinderMatcher()
        let baselineTemplates = templates.prefix(baselineGallery)
        var baselineScores: [Float] = []
        let baselineStart = DispatchTime.now().uptimeNanoseconds
        for probe in probeTemplates {
            for candidate in baselineTemplates { baselineScores.append(reference.score(probe, candidate)) }
        }
        let baselineSeconds = Double(DispatchTime.now().uptimeNanoseconds - baselineStart) / 1e9
        var difference: Float = 0, index = 0
        for probe in probeTemplates {
            for candidate in baselineTemplates {
                difference = max(difference, abs(matcher.score(probe, candidate, using: workspace) - baselineScores[index]))
                index += 1
            }
        }

        let rate = Double(templates.count * probes) / seconds
        let baselineRate = Double(baselineScores.count) / max(baselineSeconds, 1e-9)
        return Report(gallery: templates.count, probes: probes,
                      meanMinutiae: Double(prints.reduce(0) { $0 + $1.count }) / Double(prints.count),
                      comparesPerSecondPerCore: rate, baselineComparesPerSecondPerCore: baselineRate,
                      speedupVsBaseline: rate / baselineRate, maxScoreDifference: difference,
                      rank1: Double(mated) / Double(max(1, probes)), templateMsPerPrint: templateNs / 1e6, scoreChecksum: checksum)
    }

    /// Another capture of the same finger: rotated up to 0.3 rad and shifted
    /// up to 20 px, each minutia jittered by up to 3 px and 0.15 rad, one in
    /// five lost, and a few of `extra` (another print's) added.
    static func impression(of minutiae: [FingerMinutia], extra: [FingerMinutia], using rng: inout Random) -> [FingerMinutia] {
        let angle = rng.uniform() * 0.3, dx = rng.uniform() * 20, dy = rng.uniform() * 20
        let (c, s) = (cos(angle), sin(angle))
        let (cx, cy): (Float, Float) = (150, 200)   // rotate about the print's middle
        var out: [FingerMinutia] = []
        for m in minutiae where rng.next() % 5 != 0 {
            let x = m.x + rng.uniform() * 3 - cx, y = m.y + rng.uniform() * 3 - cy
            out.append(FingerMinutia(x: cx + c * x - s * y + dx, y: cy + s * x + c * y + dy,
                                     direction: Angle.normalized(m.direction + angle + rng.uniform() * 0.15)))
        }
        return out + extra.prefix(Int(rng.next() % 6))
    }
}
