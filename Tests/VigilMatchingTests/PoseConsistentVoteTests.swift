import Foundation
import Testing
import VigilTestSupport
@testable import VigilMatching

/// Votes that count only a finger's collisions in one consistent pose.
@Suite("Pose-consistent votes")
struct PoseConsistentVoteTests {
    /// Each minutia as the segment reads it: x, y, and its direction's cosine and sine.
    static func points(_ minutiae: [FingerMinutia]) -> [SIMD4<Float>] {
        minutiae.map { SIMD4($0.x, $0.y, cos($0.direction), sin($0.direction)) }
    }

    /// Collisions packed as `poseConsistentVote` packs them, sorted.
    static func collisions(_ pairs: [(probe: Int, finger: Int, weight: Int)]) -> [UInt32] {
        pairs.map { PoseConsistency.collision(probeCylinder: $0.probe, fingerCylinder: $0.finger, weight: UInt16($0.weight)) }.sorted()
    }

    @Test("collisions between corresponding minutiae of a turned, moved print all count; chance ones among them hardly any")
    func correspondingCount() {
        let probe = CylinderMatcherTests.print(40, seed: 21)
        let finger = Self.points(CylinderMatcherTests.moved(probe, angle: 0.5, dx: 35, dy: -25))
        var consistency = PoseConsistency(tolerance: PoseTolerance())
        let mated = (0..<6).map { (probe: $0 * 5, finger: $0 * 5, weight: 10) }
        var rng = SplitMix64(state: 4)
        let chance = (0..<12).map { _ in (probe: Int(rng.next() % 40), finger: Int(rng.next() % 40), weight: 10) }
            .filter { $0.probe != $0.finger }
        let withChance = consistency.heaviestConsistent(Self.collisions(mated + chance)[...], probe: Self.points(probe), finger: finger).weight
        #expect(withChance >= 60, "a corresponding collision was not counted: \(withChance)")
        #expect(withChance <= 80, "chance collisions counted as one pose with the mated ones: \(withChance)")
        let chanceOnly = consistency.heaviestConsistent(Self.collisions(chance)[...], probe: Self.points(probe), finger: finger).weight
        #expect(chanceOnly <= 30, "\(chance.count) chance collisions gave \(chanceOnly)")
        #expect(chanceOnly < withChance / 2)
    }

    @Test("one pair of cylinders colliding in several tables is one correspondence with the tables' weights; a cylinder is not matched twice")
    func samePairAcrossTables() {
        let probe = CylinderMatcherTests.print(20, seed: 5)
        let finger = Self.points(CylinderMatcherTests.moved(probe, angle: -0.3, dx: 10, dy: 12))
        var consistency = PoseConsistency(tolerance: PoseTolerance())
        // Pair (3, 3) in three tables, pair (8, 8) in one; (3, 9) contradicts (3, 3).
        let weights = consistency.heaviestConsistent(Self.collisions([(3, 3, 7), (3, 3, 9), (3, 3, 11), (8, 8, 5), (3, 9, 40)])[...],
                                                     probe: Self.points(probe), finger: finger).weight
        #expect(weights == 40, "the contradicting collision alone (40) outweighs the consistent pair (32); got \(weights)")
        let without = consistency.heaviestConsistent(Self.collisions([(3, 3, 7), (3, 3, 9), (3, 3, 11), (8, 8, 5)])[...],
                                                     probe: Self.points(probe), finger: finger).weight
        #expect(without == 32)
    }

    @Test("a mate's few true collisions lose the heaviest set to a heavier consistent decoy, and are still the second distinct pose")
    func secondDistinctPose() throws {
        let probe = CylinderMatcherTests.print(40, seed: 31)
        // The finger holds the probe twice: its first 40 minutiae in the mate's pose, the next 40 in a decoy's.
        let mated = CylinderMatcherTests.moved(probe, angle: 0.5, dx: 35, dy: -25)
        let decoy = CylinderMatcherTests.moved(probe, angle: -0.6, dx: -60, dy: 40)
        let finger = Self.points(mated + decoy), probePoints = Self.points(probe)
        let collisions = Self.collisions([0, 9, 17].map { (probe: $0, finger: $0, weight: 10) }
            + [3, 12, 22, 30].map { (probe: $0, finger: 40 + $0, weight: 10) })
        var consistency = PoseConsistency(tolerance: PoseTolerance())
        var poses: [Pose] = []
        let weight = consistency.consistentPoses(collisions[...], probe: probePoints, finger: finger, distinct: 3, into: &poses)
        #expect(weight == 40)
        try #require(poses.count == 2, "two distinct consistent sets, not \(poses.count) poses")
        /// Where the pose lays finger minutia `j`, against probe minutia `i`.
        func miss(_ pose: Pose, _ i: Int, _ j: Int) -> Float {
            let f = SIMD2(finger[j].x, finger[j].y) - pose.fingerAnchor
            let laid = pose.probeAnchor + SIMD2(pose.cos * f.x - pose.sin * f.y, pose.sin * f.x + pose.cos * f.y)
            return ((laid - SIMD2(probePoints[i].x, probePoints[i].y)) * (laid - SIMD2(probePoints[i].x, probePoints[i].y))).sum().squareRoot()
        }
        #expect(miss(poses[0], 12, 52) < 1, "the heaviest set's pose is the decoy's")
        #expect(miss(poses[1], 25, 25) < 1, "the second pose is the mate's, away from its own collisions too")
        #expect(miss(poses[1], 12, 52) > 20)
        #expect(consistency.heaviestConsistent(collisions[...], probe: probePoints, finger: finger).weight == weight)
        _ = consistency.consistentPoses(collisions[...], probe: probePoints, finger: finger, distinct: 1, into: &poses)
        #expect(poses.count == 1 && miss(poses[0], 12, 52) < 1)
    }

    @Test("a stranger filed under the probe's own keys, its cylinders elsewhere, outvotes the mate when every collision counts, not when the pose must agree")
    func scrambledPoseLoses() throws {
        let hashing = CylinderHashing.standard
        let print = CylinderMatcherTests.print(40, seed: 61)
        let probe = CylinderTemplate(minutiae: print)
        let mate = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: print, seed: 62))
        // The stranger's own minutiae lie elsewhere, and it has at least as many cylinders as the probe, so the keys open.
        let stranger = CylinderTemplate(minutiae: CylinderMatcherTests.print(70, seed: 63))
        try #require(stranger.count >= probe.count)
        var fingers = FingerIndexTests.gallery(300, seed: 64)
        fingers.append(FingerIndex.Finger(subject: 900, template: 900, position: 2, cylinders: mate))
        fingers.append(FingerIndex.Finger(subject: 901, template: 901, position: 2, cylinders: stranger,
                                          storedKeys: hashing.serializedKeys(of: probe)))
        let pool = ScanPool(threads: 2)
        var plain = FingerIndexTests.indexedAlways
        plain.poseTolerance = nil
        var everyCollision = FingerIndex(policy: plain), consistentPose = FingerIndex(policy: FingerIndexTests.indexedAlways)
        everyCollision.add(fingers)
        consistentPose.add(fingers)
        #expect(everyCollision.voteRank(ofSubject: 900, for: probe, position: 2, pool: pool).map { $0 >= 1 } == true,
                "the stranger holding every probe key did not outvote the mate")
        #expect(consistentPose.voteRank(ofSubject: 900, for: probe, position: 2, pool: pool) == 0)
        #expect(consistentPose.voteRank(ofSubject: 901, for: probe, position: 2, pool: pool).map { $0 >= 1 } == true)
    }

    /// A work budget of the pose check, and the work a search reports against it.
    enum PoseBudget: Sendable {
        case collisions, alignedPairs

        func set(_ budget: Int, in policy: inout FingerSearchPolicy) {
            switch self {
            case .collisions: policy.poseCollisionBudget = budget
            case .alignedPairs: policy.alignedPairBudget = budget
            }
        }

        func work(of search: FingerSearch) -> Int {
            switch self {
            case .collisions: search.poseCollisions
            case .alignedPairs: search.alignedPairs
            }
        }
    }

    @Test("the pose check's work stays within each of the policy's budgets: the best-voted of the pool are checked, never fewer than the matcher's candidates; the mates are still found",
          arguments: [(PoseBudget.collisions, 1), (.alignedPairs, 1), (.alignedPairs, 3)])
    func poseBudget(_ budget: PoseBudget, alignedPoses: Int) {
        var unbounded = FingerIndex(policy: FingerIndexTests.indexedAlways, capacityPerSegment: 500)
        unbounded.policy.poseCollisionBudget = .max
        unbounded.policy.alignedPairBudget = .max
        // Scored in several poses, a finger's aligned work is counted once a pose, and so is the budget's.
        unbounded.policy.alignedPoses = alignedPoses
        unbounded.add(FingerIndexTests.variedGallery)
        let pool = ScanPool(threads: 2)
        for subject in [40, 302, 1_138] {
            let print = CylinderMatcherTests.print(20 + subject % 61, seed: 7 &+ UInt64(subject))
            let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: print, seed: UInt64(subject)))
            let free = unbounded.search(probe, position: 2, limit: 3, threshold: 0, pool: pool)
            let freeWork = budget.work(of: free)
            var bounded = unbounded
            budget.set(freeWork / 2, in: &bounded.policy)
            let capped = bounded.search(probe, position: 2, limit: 3, threshold: 0, pool: pool)
            #expect(budget.work(of: capped) > 0 && budget.work(of: capped) <= freeWork / 2, "\(budget.work(of: capped)) of \(freeWork)")
            #expect(capped.compared == free.compared, "the matcher was handed fewer candidates")
            #expect(capped.candidates.first?.subject == Int64(subject), "subject \(subject) lost to the budget")
            budget.set(0, in: &bounded.policy)
            let least = bounded.search(probe, position: 2, limit: 3, threshold: 0, pool: pool)
            #expect(budget.work(of: least) > 0 && budget.work(of: least) <= budget.work(of: capped) && least.compared == free.compared)
        }
    }

    @Test("a search reports the aligned scores' work as the probe's cylinders times the scored fingers', and none when the pool is ranked by collisions")
    func alignedWorkCounted() {
        var index = FingerIndex(policy: FingerIndexTests.indexedAlways, capacityPerSegment: 500)
        index.add(FingerIndexTests.variedGallery)
        let pool = ScanPool(threads: 2)
        let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: CylinderMatcherTests.print(60, seed: 47), seed: 40))
        let aligned = index.search(probe, position: 2, limit: 3, threshold: 0, pool: pool)
        // One pose a finger (the default): at most every finger at the position, once.
        let everyFinger = FingerIndexTests.variedGallery.filter { $0.position == 2 }.reduce(0) { $0 + $1.cylinders.count }
        #expect(aligned.alignedPairs > 0 && aligned.alignedPairs % probe.count == 0 && aligned.alignedPairs <= probe.count * everyFinger,
                "\(aligned.alignedPairs) pairs")
        index.policy.alignedScoring = false
        #expect(index.search(probe, position: 2, limit: 3, threshold: 0, pool: pool).alignedPairs == 0)
    }
}

extension PoseConsistency {
    /// The heaviest consistent set's weight and pose, as the tests read them.
    mutating func heaviestConsistent(_ collisions: ArraySlice<UInt32>, probe: [SIMD4<Float>], finger: [SIMD4<Float>])
        -> (weight: UInt32, pose: Pose?) {
        var poses: [Pose] = []
        let weight = consistentPoses(collisions, probe: probe, finger: finger, distinct: 1, into: &poses)
        return (weight, poses.first)
    }
}
