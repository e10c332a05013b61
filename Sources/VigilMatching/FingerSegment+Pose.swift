import Foundation

/// Votes that count only collisions in a consistent pose.
///
/// A plain vote adds the weight of every probe key a finger shares, wherever
/// the two cylinders lie: a stranger's chance collisions count as much as a
/// mate's. But a mate's collisions come from minutiae in corresponding
/// places: any two of them are as far apart in the probe as in the finger,
/// turned by the same angle, in the same direction. That is what the full
/// matcher's relaxation checks of its pairs (Cappelli, Ferrara & Maltoni's
/// ρ: distance, direction difference and radial angle), and what
/// transformation clustering in fingerprint indexing uses (Germain, Califano
/// & Colville, "Fingerprint matching using transformation parameter
/// clustering", IEEE CSE 4(4), 1997). A finger's vote is therefore the
/// heaviest set of its collisions consistent with one of them, not their
/// sum: chance collisions rarely agree with each other, a mate's do, so a
/// mate that shares only a few cylinders (a partial or distorted capture)
/// is no longer lost among strangers that share many at random.
extension FingerSegment {
    /// Replaces the plain votes (`vote`) of the eligible fingers voted at
    /// least `pooled` with their pose-consistent votes, and every other
    /// finger's with 0. `probe` is the print whose keys `probeBuckets` are.
    func poseConsistentVote(_ probeBuckets: [UInt32], weights: [UInt16], probe: CylinderTemplate, tolerance: PoseTolerance,
                            pooled cutoff: UInt32, at position: UInt8, votes: UnsafeMutablePointer<UInt32>) {
        let inPool = (0..<count).map { votes[$0] >= cutoff && comparable($0, with: position) }
        // Each pooled finger's collisions, end to end (a counting sort by
        // finger). Two passes over every posting the probe's keys reach,
        // written out rather than through a closure: at a million fingers
        // they are tens of millions of steps.
        var starts = [Int](repeating: 0, count: count + 1)
        var collisions: [UInt32] = []
        offsets.withUnsafeBufferPointer { offsets in
            entries.withUnsafeBufferPointer { entries in
                entryCylinders.withUnsafeBufferPointer { cylinders in
                    inPool.withUnsafeBufferPointer { inPool in
                        starts.withUnsafeMutableBufferPointer { starts in
                            for (index, bucket) in probeBuckets.enumerated() where bucket != CylinderHashing.noKey && weights[index] > 0 {
                                let at = Self.slot(table: index % tables, bucket: bucket)
                                for e in Int(offsets[at])..<Int(offsets[at + 1]) where inPool[Int(entries[e])] { starts[Int(entries[e]) + 1] += 1 }
                            }
                            for local in 0..<count { starts[local + 1] += starts[local] }
                        }
                        var next = starts
                        collisions = [UInt32](repeating: 0, count: starts[count])
                        collisions.withUnsafeMutableBufferPointer { collisions in
                            next.withUnsafeMutableBufferPointer { next in
                                for (index, bucket) in probeBuckets.enumerated() where bucket != CylinderHashing.noKey && weights[index] > 0 {
                                    let at = Self.slot(table: index % tables, bucket: bucket)
                                    let probeCylinder = index / tables, weight = weights[index]
                                    for e in Int(offsets[at])..<Int(offsets[at + 1]) where inPool[Int(entries[e])] {
                                        let local = Int(entries[e])
                                        collisions[next[local]] = PoseConsistency.collision(probeCylinder: probeCylinder,
                                                                                            fingerCylinder: Int(cylinders[e]), weight: weight)
                                        next[local] += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var consistency = PoseConsistency(tolerance: tolerance)
        let probePoints = probe.points
        fingers.withUnsafeBufferPointer { fingers in
            for local in 0..<count {
                guard inPool[local], starts[local + 1] > starts[local] else {
                    votes[local] = 0
                    continue
                }
                collisions[starts[local]..<starts[local + 1]].sort()
                votes[local] = consistency.heaviestConsistent(collisions[starts[local]..<starts[local + 1]], probe: probePoints,
                                                              finger: fingers[local].cylinders.points)
            }
        }
        normaliseVotes(votes)
    }
}

/// How far two collisions may disagree and still be one pose. The full
/// matcher's relaxation halves a pair's compatibility at 5 px of distance
/// difference and π/12 of angle (`CylinderMatcher.mu1`, `mu2`, `mu3`); a
/// collision's cylinders are less alike than the pairs the matcher keeps,
/// so the check allows twice that.
public struct PoseTolerance: Sendable, Equatable {
    public var distance: Float
    public var angle: Float
    public init(distance: Float = 2 * CylinderMatcher().mu1, angle: Float = 2 * CylinderMatcher().mu2) {
        self.distance = distance
        self.angle = angle
    }
}

/// The heaviest set of a finger's collisions consistent with one of them,
/// with scratch reused from finger to finger.
struct PoseConsistency {
    let tolerance: PoseTolerance
    let cosAngle: Float
    private var probeCylinder: [Int] = [], fingerCylinder: [Int] = [], weight: [UInt32] = [], anchorOrder: [Int] = []
    private var turn: [SIMD2<Float>] = []
    /// Correspondences tried as the anchor of a pose, the heaviest first.
    static let anchors = 8

    init(tolerance: PoseTolerance) {
        self.tolerance = tolerance
        cosAngle = Float(cos(Double(tolerance.angle)))
    }

    /// A probe cylinder (16 bits), the finger's cylinder that collided with
    /// it (8) and the key's weight (8), most significant first: sorted, one
    /// finger's collisions group by pair of cylinders.
    static func collision(probeCylinder: Int, fingerCylinder: Int, weight: UInt16) -> UInt32 {
        UInt32(truncatingIfNeeded: probeCylinder) << 16 | UInt32(fingerCylinder) << 8 | UInt32(min(weight, 255))
    }

    /// `collisions` (one finger's, sorted): the same pair of cylinders
    /// colliding in several tables is one correspondence with their weights
    /// summed; then, over the heaviest correspondences as the anchor, the
    /// weight of those consistent with it.
    mutating func heaviestConsistent(_ collisions: ArraySlice<UInt32>, probe: [SIMD4<Float>], finger: [SIMD4<Float>]) -> UInt32 {
        probeCylinder.removeAll(keepingCapacity: true)
        fingerCylinder.removeAll(keepingCapacity: true)
        weight.removeAll(keepingCapacity: true)
        var previous = UInt32.max
        for c in collisions {
            if c >> 8 == previous {
                weight[weight.count - 1] += c & 0xFF
            } else {
                probeCylinder.append(Int(c >> 16))
                fingerCylinder.append(Int((c >> 8) & 0xFF))
                weight.append(c & 0xFF)
                previous = c >> 8
            }
        }
        // The heaviest correspondences are the anchors: a pair of cylinders
        // that collides in several tables is likelier a true one than a pair
        // that collides in one (hypotheses tried in order of evidence, as in
        // PROSAC: Chum & Matas, CVPR 2005). This bounds a finger's work at
        // `anchors` passes over its correspondences, however many it has.
        // Kept by insertion (at most `anchors` long, heaviest first, ties
        // in collision order): a full sort of a finger's correspondences
        // would cost more than checking them.
        anchorOrder.removeAll(keepingCapacity: true)
        for c in weight.indices {
            guard anchorOrder.count < Self.anchors || weight[c] > weight[anchorOrder[anchorOrder.count - 1]] else { continue }
            if anchorOrder.count == Self.anchors { anchorOrder.removeLast() }
            var at = anchorOrder.count
            while at > 0 && weight[anchorOrder[at - 1]] < weight[c] { at -= 1 }
            anchorOrder.insert(c, at: at)
        }
        // Each correspondence's turn from the finger to the probe, Δ = θp − θf, as (cos, sin).
        turn.removeAll(keepingCapacity: true)
        for c in weight.indices {
            let p = probe[probeCylinder[c]], f = finger[fingerCylinder[c]]
            turn.append(SIMD2(p.z * f.z + p.w * f.w, p.w * f.z - p.z * f.w))
        }
        var best: UInt32 = 0
        for a in anchorOrder {
            let pa = probe[probeCylinder[a]], fa = finger[fingerCylinder[a]]
            var total = weight[a]
            for c in weight.indices where c != a && probeCylinder[c] != probeCylinder[a] && fingerCylinder[c] != fingerCylinder[a] {
                if consistent(pa, fa, probe[probeCylinder[c]], finger[fingerCylinder[c]], turn: turn[a], turnC: turn[c]) { total += weight[c] }
            }
            best = max(best, total)
        }
        return best
    }

    /// Whether correspondence (pc, fc) agrees with anchor (pa, fa): their
    /// minutiae as far apart in both prints, turned by about the same angle,
    /// and the one seen from the other in the same direction once turned.
    @inline(__always)
    private func consistent(_ pa: SIMD4<Float>, _ fa: SIMD4<Float>, _ pc: SIMD4<Float>, _ fc: SIMD4<Float>,
                            turn: SIMD2<Float>, turnC: SIMD2<Float>) -> Bool {
        guard (turn * turnC).sum() >= cosAngle else { return false }
        let vp = SIMD2(pc.x - pa.x, pc.y - pa.y), vf = SIMD2(fc.x - fa.x, fc.y - fa.y)
        let dp = (vp * vp).sum().squareRoot(), df = (vf * vf).sum().squareRoot()
        guard abs(dp - df) <= tolerance.distance else { return false }
        // Too close together for the direction between them to be measured.
        guard dp > tolerance.distance && df > tolerance.distance else { return true }
        let turned = SIMD2(turn.x * vf.x - turn.y * vf.y, turn.y * vf.x + turn.x * vf.y)
        return (vp * turned).sum() >= cosAngle * dp * df
    }
}
