import Foundation

/// A pooled finger laid on the probe in the pose its collisions agree on,
/// then scored by the cylinders that land near each other.
///
/// The pose-consistent vote counts only the cylinders whose MinHash keys
/// collided, and a mate's corresponding cylinders collide in a table only
/// with probability J³ (J their Jaccard similarity, about 0.3 for a
/// distorted pair): a small or partial mate brings a handful, within the
/// chance of the best strangers. The collisions do give the pose, though,
/// and under it every probe minutia has at most a few finger minutiae
/// nearby. Their local similarities (the matcher's own, a few per probe
/// minutia instead of one per finger minutia) averaged over the best
/// one-to-one pairs, as the matcher averages its n_P, is what the full
/// matcher will find if the pose is right, at a fraction of its cost.
/// One a thread: it holds scratch. A class, not a struct: the pose check
/// scores every pooled finger through an optional scorer, and unwrapping a
/// struct copied it, retaining the probe's arrays (which every thread
/// shares, so the counts bounced between cores) a few times a finger.
final class PoseAlignedScore {
    typealias V = SIMD16<Float>
    /// How far a finger minutia may land from a probe minutia under the
    /// pose and still be its counterpart: the pose is its consistent set's
    /// mean, and skin stretches away from it (a third of a cylinder's
    /// 70 px radius; set once from that, not tuned on the benchmark).
    static let reach: Float = 24
    /// How far their directions may differ once turned: the matcher's
    /// relaxation halves a pair's weight at π/12; twice that, as the pose
    /// check allows.
    static let turn: Float = .pi / 6
    static let cosTurn = Float(cos(Double(turn)))
    /// A score's vote: similarities in 1/4096 (finer than any two
    /// cylinders' difference matters, coarse enough for the vote histogram).
    static let voteScale: Float = 4096

    let probe: CylinderTemplate
    let minimumCommon: Int
    let pairCount: (Int, Int) -> Int
    /// The probe's points in planes of `stride` floats (x, y, cos, sin);
    /// lanes past its last point lie out of reach.
    private let probePlanes: ScratchBuffer<Float>
    private let stride: Int
    /// The pairs within reach of the finger being scored, and the matcher's
    /// scratch (its pair keys, √k table and greedy one-to-one pairing).
    /// Raw scratch read through pointers, not arrays in `withUnsafe…`
    /// closures: those copied `self`, retaining its arrays once a finger.
    private let near = ScratchBuffer<UInt32>()
    private let workspace = CylinderMatcher.Workspace()

    init(probe: CylinderTemplate, matcher: CylinderMatcher) {
        self.probe = probe
        minimumCommon = matcher.minimumCommon(probe.parameters)
        pairCount = matcher.pairCount
        let stride = (probe.count + 15) / 16 * 16
        probePlanes = ScratchBuffer(capacity: 4 * stride)
        let planes = probePlanes.pointer
        planes.update(repeating: .greatestFiniteMagnitude, count: 2 * stride)
        (planes + 2 * stride).update(repeating: 0, count: 2 * stride)
        for (i, p) in probe.points.enumerated() {
            (planes[i], planes[stride + i], planes[2 * stride + i], planes[3 * stride + i]) = (p.x, p.y, p.z, p.w)
        }
        self.stride = stride
    }

    /// The mean similarity of the best one-to-one pairs of cylinders that
    /// lie within `reach` and `turn` of each other under `pose` (finger to
    /// probe), over n_P pairs as the matcher counts them; 0 when none.
    func score(finger: CylinderTemplate, pose: Pose) -> Float {
        let n = probe.count, m = finger.count
        guard n > 0, m > 0 else { return 0 }
        // At most n × m pairs and keys, and n + m cylinders to mark as paired.
        near.reserve(n * m)
        workspace.prepare(rows: n, columns: m, cells: probe.parameters.bitWords * 64)
        let nearCount = findNear(finger, pose)
        let keys = workspace.keys.pointer, roots = workspace.roots.pointer
        var found = 0
        // `probe` and `finger` outlive the loop (a stored property and an
        // argument): the raw pointers into their cylinders stay valid.
        for k in 0..<nearCount {
            let pair = near.pointer[k]
            let i = Int(pair >> 16), j = Int(pair & 0xFFFF)
            let value = CylinderMatcher.similarity(probe, i, finger, j, minimumCommon: minimumCommon, roots: roots)
            keys[found] = CylinderMatcher.pairKey(value, i, j)
            found &+= value > 0 ? 1 : 0
        }
        guard found > 0 else { return 0 }
        // Highest similarities first, each cylinder used once, over n_P: the matcher's own pairing.
        let np = pairCount(n, m)
        CylinderMatcher.greedyPairs(n, m, keys: found, count: np, workspace)
        return workspace.pairs.reduce(0) { $0 + $1.similarity } / Float(np)
    }

    /// The pairs (probe cylinder << 16 | finger cylinder) within reach
    /// under the pose, into `near`, finger cylinder by finger cylinder; returns how many.
    private func findNear(_ finger: CylinderTemplate, _ pose: Pose) -> Int {
        let n = probe.count, stride = stride
        let (c, s) = (pose.cos, pose.sin)
        let reach2 = V(repeating: Self.reach * Self.reach), cosTurn = V(repeating: Self.cosTurn)
        let px = UnsafePointer(probePlanes.pointer), py = px + stride, pc = px + 2 * stride, ps = px + 3 * stride
        let out = near.pointer
        var count = 0
        for (j, f) in finger.points.enumerated() {
            let dx = f.x - pose.fingerAnchor.x, dy = f.y - pose.fingerAnchor.y
            let x = V(repeating: pose.probeAnchor.x + c * dx - s * dy), y = V(repeating: pose.probeAnchor.y + s * dx + c * dy)
            let fc = V(repeating: c * f.z - s * f.w), fs = V(repeating: s * f.z + c * f.w)
            var base = 0
            while base < n {
                let ex = RelaxationBuffers.load(px, base) - x, ey = RelaxationBuffers.load(py, base) - y
                let close = (ex * ex + ey * ey .<= reach2)
                    .& (RelaxationBuffers.load(pc, base) * fc + RelaxationBuffers.load(ps, base) * fs .>= cosTurn)
                if any(close) {
                    for lane in 0..<16 where close[lane] {
                        out[count] = UInt32(base + lane) << 16 | UInt32(j)
                        count &+= 1
                    }
                }
                base &+= 16
            }
        }
        return count
    }
}

/// Where a finger lies on the probe: its point `fingerAnchor` lands on the
/// probe's `probeAnchor`, turned by the angle whose cosine and sine are given.
struct Pose {
    let probeAnchor: SIMD2<Float>
    let fingerAnchor: SIMD2<Float>
    let cos: Float
    let sin: Float
}
