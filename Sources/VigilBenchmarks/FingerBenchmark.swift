import Dispatch
import VigilMatching

/// `vigil bench fingers`: MCC template comparisons per second on one core,
/// one probe against a gallery of synthetic prints with realistic minutiae
/// counts (30 to 50, uniformly, spread like a 500 dpi plain impression).
public enum FingerBenchmark {
    public struct Report: Sendable, Codable {
        public let gallery: Int
        public let meanMinutiae: Double
        public let comparesPerSecondPerCore: Double
        public let templateMsPerPrint: Double
        /// Sum of every score's bit pattern (wrapping): an optimisation that
        /// claims identical scores must leave it unchanged.
        public let scoreChecksum: UInt64
    }

    public static func run(gallery: Int, probes: Int = 5, seed: UInt64 = 3) -> Report {
        var rng = Random(seed: seed)
        func print() -> [FingerMinutia] {
            let count = 30 + Int(rng.next() % 21)
            return (0..<count).map { _ in
                FingerMinutia(x: 40 + (rng.uniform() + 1) * 110, y: 40 + (rng.uniform() + 1) * 160, direction: rng.uniform() * .pi)
            }
        }
        let prints = (0..<gallery).map { _ in print() }
        let built = DispatchTime.now().uptimeNanoseconds
        let templates = prints.map { CylinderTemplate(minutiae: $0) }
        let templateNs = Double(DispatchTime.now().uptimeNanoseconds - built) / Double(max(1, gallery))
        let matcher = CylinderMatcher()
        let workspace = CylinderMatcher.Workspace()
        var checksum: UInt64 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for p in 0..<probes {
            let probe = templates[p % templates.count]
            for candidate in templates { checksum &+= UInt64(matcher.score(probe, candidate, using: workspace).bitPattern) }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Report(gallery: gallery, meanMinutiae: Double(prints.reduce(0) { $0 + $1.count }) / Double(max(1, gallery)),
                      comparesPerSecondPerCore: Double(gallery * probes) / seconds, templateMsPerPrint: templateNs / 1e6, scoreChecksum: checksum)
    }
}
