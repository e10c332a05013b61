import Foundation
import Testing
import VigilTestSupport
@testable import VigilMatching

/// A pooled finger scored by the cylinders its collisions' pose lays near the probe's.
@Suite("Pose-aligned scores")
struct PoseAlignedScoreTests {
    @Test("one pair's local similarity is the reference matcher's, whole and partial masks alike")
    func pairSimilarity() {
        let print = CylinderMatcherTests.print(40, seed: 3)
        let a = CylinderTemplate(minutiae: print)
        let b = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: print, seed: 4))
        let minimum = CylinderMatcher().minimumCommon(a.parameters)
        let roots = (0...(a.parameters.bitWords * 64)).map { Float($0).squareRoot() }
        let (cylindersA, cylindersB) = (a.cylinders, b.cylinders)
        var positive = 0
        for i in 0..<a.count {
            for j in 0..<b.count {
                let fast = roots.withUnsafeBufferPointer { CylinderMatcher.similarity(a, i, b, j, minimumCommon: minimum, roots: $0.baseAddress!) }
                let reference = ReferenceCylinderMatcher.similarity(cylindersA[i], cylindersB[j], minimumCommon: minimum)
                #expect(abs(fast - reference) <= 1e-6, "pair (\(i), \(j)): \(fast) against \(reference)")
                positive += fast > 0 ? 1 : 0
            }
        }
        let partial = (0..<a.count).count { a.summaries[$0].whole == 0 } + (0..<b.count).count { b.summaries[$0].whole == 0 }
        #expect(partial > 0 && positive > a.count, "the prints exercised only one kind of mask: \(partial) partial, \(positive) positive")
    }

    @Test("a turned, shifted copy laid in its pose scores 1; in a pose turned a radian off, or a stranger in any, far lower")
    func poseDecides() {
        let minutiae = CylinderMatcherTests.print(40, seed: 8)
        let probe = CylinderTemplate(minutiae: minutiae)
        let angle: Float = 0.5
        let copy = CylinderTemplate(minutiae: CylinderMatcherTests.moved(minutiae, angle: angle, dx: 35, dy: -25))
        let scorer = PoseAlignedScore(probe: probe, matcher: CylinderMatcher())
        func pose(_ finger: CylinderTemplate, turn: Float) -> Pose {
            // Finger to probe: the copy was turned by `angle`, so it is turned back.
            Pose(probeAnchor: SIMD2(probe.points[0].x, probe.points[0].y), fingerAnchor: SIMD2(finger.points[0].x, finger.points[0].y),
                 cos: cos(-turn), sin: sin(-turn))
        }
        let right = scorer.score(finger: copy, pose: pose(copy, turn: angle))
        #expect(right > 0.99, "\(right)")
        let wrong = scorer.score(finger: copy, pose: pose(copy, turn: angle + 1))
        #expect(wrong < right / 3, "\(wrong) against \(right)")
        let stranger = CylinderTemplate(minutiae: CylinderMatcherTests.print(40, seed: 9))
        for turn in stride(from: Float(-3), through: 3, by: 0.5) {
            let score = scorer.score(finger: stranger, pose: pose(stranger, turn: turn))
            #expect(score < right / 2, "a stranger turned by \(turn) scored \(score)")
        }
    }

    @Test("a distorted partial impression, laid in the pose its corresponding collisions agree on, outscores strangers laid in theirs")
    func impressionOutscoresStrangers() {
        let minutiae = CylinderMatcherTests.print(45, seed: 31)
        let probe = CylinderTemplate(minutiae: minutiae)
        let scorer = PoseAlignedScore(probe: probe, matcher: CylinderMatcher())
        var consistency = PoseConsistency(tolerance: PoseTolerance())
        let probePoints = PoseConsistentVoteTests.points(minutiae)
        // Collisions between the probe's minutiae and their counterparts
        // (the impression keeps minutiae in order, some dropped) and chance ones.
        func laid(_ finger: [FingerMinutia], pairs: [(probe: Int, finger: Int, weight: Int)]) -> Float {
            let (_, found) = consistency.heaviestConsistent(PoseConsistentVoteTests.collisions(pairs)[...], probe: probePoints,
                                                            finger: PoseConsistentVoteTests.points(finger))
            guard let found else { return 0 }
            return scorer.score(finger: CylinderTemplate(minutiae: finger), pose: found)
        }
        // Two thirds of the print, each minutia a few pixels and degrees off, turned and moved.
        var jitter = SplitMix64(state: 32)
        let partial = minutiae.prefix(30).map {
            FingerMinutia(x: $0.x + Float.random(in: -3...3, using: &jitter), y: $0.y + Float.random(in: -3...3, using: &jitter),
                          direction: Angle.normalized($0.direction + Float.random(in: -0.2...0.2, using: &jitter)))
        }
        let turned = CylinderMatcherTests.moved(partial, angle: -0.4, dx: 20, dy: 30)
        let mate = laid(turned, pairs: [(2, 2, 20), (9, 9, 15), (17, 17, 20)])
        for seed in UInt64(40)..<UInt64(48) {
            let stranger = CylinderMatcherTests.print(45, seed: seed)
            var rng = SplitMix64(state: seed)
            let chance = (0..<6).map { _ in (probe: Int(rng.next() % 45), finger: Int(rng.next() % 45), weight: 20) }
            let score = laid(stranger, pairs: chance)
            #expect(score < mate / 2, "stranger \(seed): \(score) against the mate's \(mate)")
        }
    }
}
