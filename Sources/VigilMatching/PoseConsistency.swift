import Foundation

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
///
/// A finger's correspondences are checked against an anchor sixteen at a
/// time, from planes of floats, as the matcher's relaxation finds partners
/// (`RelaxationBuffers.findPartners`): the check runs for every pooled
/// finger of every probe, and one correspondence at a time it took a
/// quarter of a million-finger search.
struct PoseConsistency {
    typealias V = SIMD16<Float>
    let tolerance: PoseTolerance
    let cosAngle: Float
    /// Correspondences in `Planes.count` planes of `stride` floats
    /// (whole 16-lane steps); lanes past the last correspondence weigh 0.
    /// Raw scratch, read through its pointer: in a `withUnsafe…` closure
    /// the checks copied `self`, retaining and releasing each of its
    /// arrays once a finger (a tenth of a million-finger search, by a
    /// profile). Copies share it: one `PoseConsistency` a thread.
    private let planes = ScratchBuffer<Float>()
    private var anchorOrder: [Int] = []
    /// The anchors by the weight of their consistent sets, and those whose
    /// poses are taken (scratch: this runs for every pooled finger).
    private var ranked: [(anchor: Int, weight: UInt32)] = []
    private var chosen: [Int] = []
    /// Correspondences tried as the anchor of a pose, the heaviest first.
    static let anchors = 8

    /// Pointers to the planes, one per measure of a correspondence.
    private struct Planes {
        static let count = 9
        /// The probe's minutia and the finger's.
        let probeX, probeY, fingerX, fingerY: UnsafeMutablePointer<Float>
        /// The turn from the finger to the probe, Δ = θp − θf, as cos and sin.
        let turnCos, turnSin: UnsafeMutablePointer<Float>
        /// Summed over the tables the pair collided in.
        let weight: UnsafeMutablePointer<Float>
        /// Cylinder numbers, as floats: lane comparisons against a scalar
        /// compile to a loop over lanes for integers.
        let probeCylinder, fingerCylinder: UnsafeMutablePointer<Float>

        init(_ base: UnsafeMutablePointer<Float>, stride: Int) {
            (probeX, probeY, fingerX, fingerY) = (base, base + stride, base + 2 * stride, base + 3 * stride)
            (turnCos, turnSin, weight) = (base + 4 * stride, base + 5 * stride, base + 6 * stride)
            (probeCylinder, fingerCylinder) = (base + 7 * stride, base + 8 * stride)
        }
    }

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

    /// `collisions` (one finger's, grouped by probe cylinder, as the
    /// postings list them): the same pair of cylinders colliding in several
    /// tables is one correspondence with their weights summed; then, over
    /// the heaviest correspondences as the anchor, the weight of those
    /// consistent with it (the heaviest consistent set's), and into `poses`
    /// the poses of up to `distinct` consistent sets, heaviest first, none
    /// of whose anchors agrees with an earlier one's: when a mate shares
    /// only a few collisions, chance ones can outweigh them, and the set its
    /// true collisions form is then the second or third.
    mutating func consistentPoses(_ collisions: ArraySlice<UInt32>, probe: [SIMD4<Float>], finger: [SIMD4<Float>], distinct: Int,
                                  into poses: inout [Pose]) -> UInt32 {
        poses.removeAll(keepingCapacity: true)
        let stride = (collisions.count + 15) / 16 * 16
        self.planes.reserve(Planes.count * stride)
        self.planes.pointer.update(repeating: 0, count: Planes.count * stride)
        let planes = Planes(self.planes.pointer, stride: stride)
        let count = Self.correspondences(collisions, probe: probe, finger: finger, into: planes)
        selectAnchors(weights: planes.weight, count: count)
        // Anchors by the weight of their consistent sets, heaviest first
        // (stable: ties keep the anchors' order).
        ranked.removeAll(keepingCapacity: true)
        chosen.removeAll(keepingCapacity: true)
        for a in anchorOrder {
            let weight = weightConsistent(withAnchor: a, count: count, planes)
            var at = ranked.count
            while at > 0 && ranked[at - 1].weight < weight { at -= 1 }
            ranked.insert((a, weight), at: at)
        }
        for r in ranked.indices where chosen.count < distinct {
            let a = ranked[r].anchor
            var agreesWithChosen = false
            for c in chosen.indices where agreement(withAnchor: chosen[c], a & ~15, planes)[a & 15] { agreesWithChosen = true }
            guard !agreesWithChosen else { continue }
            chosen.append(a)
            poses.append(pose(ofAnchor: a, count: count, planes))
        }
        return ranked.first?.weight ?? 0
    }

    /// Writes the collisions' distinct pairs of cylinders into the planes; returns how many.
    private static func correspondences(_ collisions: ArraySlice<UInt32>, probe: [SIMD4<Float>], finger: [SIMD4<Float>],
                                        into planes: Planes) -> Int {
        let (px, py, fx, fy) = (planes.probeX, planes.probeY, planes.fingerX, planes.fingerY)
        let (tc, ts, w, pc, fc) = (planes.turnCos, planes.turnSin, planes.weight, planes.probeCylinder, planes.fingerCylinder)
        var count = 0, runStart = 0, runCylinder = -1
        for c in collisions {
            let probeCylinder = Int(c >> 16), fingerCylinder = Int((c >> 8) & 0xFF), weight = Float(c & 0xFF)
            if probeCylinder != runCylinder { (runStart, runCylinder) = (count, probeCylinder) }
            // A probe cylinder collides at most once a table: its run is short.
            var same = runStart
            while same < count && fc[same] != Float(fingerCylinder) { same += 1 }
            if same < count {
                w[same] += weight
                continue
            }
            let p = probe[probeCylinder], f = finger[fingerCylinder]
            (px[count], py[count], fx[count], fy[count]) = (p.x, p.y, f.x, f.y)
            tc[count] = p.z * f.z + p.w * f.w
            ts[count] = p.w * f.z - p.z * f.w
            (w[count], pc[count], fc[count]) = (weight, Float(probeCylinder), Float(fingerCylinder))
            count += 1
        }
        return count
    }

    /// The heaviest correspondences are the anchors: a pair of cylinders
    /// that collides in several tables is likelier a true one than a pair
    /// that collides in one (hypotheses tried in order of evidence, as in
    /// PROSAC: Chum & Matas, CVPR 2005). This bounds a finger's work at
    /// `anchors` passes over its correspondences, however many it has.
    /// Kept by insertion (at most `anchors` long, heaviest first, ties in
    /// collision order): a full sort would cost more than the checks.
    private mutating func selectAnchors(weights: UnsafePointer<Float>, count: Int) {
        anchorOrder.removeAll(keepingCapacity: true)
        for c in 0..<count {
            guard anchorOrder.count < Self.anchors || weights[c] > weights[anchorOrder[anchorOrder.count - 1]] else { continue }
            if anchorOrder.count == Self.anchors { anchorOrder.removeLast() }
            var at = anchorOrder.count
            while at > 0 && weights[anchorOrder[at - 1]] < weights[c] { at -= 1 }
            anchorOrder.insert(c, at: at)
        }
    }

    /// The anchor's weight and that of every correspondence agreeing with it.
    private func weightConsistent(withAnchor a: Int, count: Int, _ planes: Planes) -> UInt32 {
        var total = V(repeating: 0)
        var base = 0
        while base < count {
            total += V(repeating: 0).replacing(with: RelaxationBuffers.load(planes.weight, base), where: agreement(withAnchor: a, base, planes))
            base &+= 16
        }
        return UInt32(planes.weight[a] + total.sum())
    }

    /// The pose of the anchor's consistent set: the weighted mean of its
    /// turns, and its weighted centroids in both prints (one anchor's
    /// position and direction are each a measurement's error away).
    private func pose(ofAnchor a: Int, count: Int, _ planes: Planes) -> Pose {
        let w = planes.weight
        var sums = (turnCos: V(repeating: 0), turnSin: V(repeating: 0), px: V(repeating: 0), py: V(repeating: 0),
                    fx: V(repeating: 0), fy: V(repeating: 0), weight: V(repeating: 0))
        var base = 0
        while base < count {
            let weight = V(repeating: 0).replacing(with: RelaxationBuffers.load(w, base), where: agreement(withAnchor: a, base, planes))
            sums.turnCos += weight * RelaxationBuffers.load(planes.turnCos, base)
            sums.turnSin += weight * RelaxationBuffers.load(planes.turnSin, base)
            sums.px += weight * RelaxationBuffers.load(planes.probeX, base)
            sums.py += weight * RelaxationBuffers.load(planes.probeY, base)
            sums.fx += weight * RelaxationBuffers.load(planes.fingerX, base)
            sums.fy += weight * RelaxationBuffers.load(planes.fingerY, base)
            sums.weight += weight
            base &+= 16
        }
        let total = w[a] + sums.weight.sum()
        let c = w[a] * planes.turnCos[a] + sums.turnCos.sum(), s = w[a] * planes.turnSin[a] + sums.turnSin.sum()
        let length = (c * c + s * s).squareRoot()
        let probe = SIMD2(w[a] * planes.probeX[a] + sums.px.sum(), w[a] * planes.probeY[a] + sums.py.sum()) / total
        let finger = SIMD2(w[a] * planes.fingerX[a] + sums.fx.sum(), w[a] * planes.fingerY[a] + sums.fy.sum()) / total
        return length > 0 ? Pose(probeAnchor: probe, fingerAnchor: finger, cos: c / length, sin: s / length)
            : Pose(probeAnchor: probe, fingerAnchor: finger, cos: planes.turnCos[a], sin: planes.turnSin[a])
    }

    /// Which of the sixteen correspondences from `base` agree with the
    /// anchor: their minutiae as far apart in both prints, turned by about
    /// the same angle, and the one seen from the other in the same
    /// direction once turned; never a second partner for either of the
    /// anchor's cylinders. Lanes past the last correspondence weigh 0.
    @inline(__always)
    private func agreement(withAnchor a: Int, _ base: Int, _ planes: Planes) -> SIMDMask<V.MaskStorage> {
        let (px, py, fx, fy) = (planes.probeX, planes.probeY, planes.fingerX, planes.fingerY)
        let (tc, ts, pc, fc) = (planes.turnCos, planes.turnSin, planes.probeCylinder, planes.fingerCylinder)
        let (pax, pay, fax, fay) = (V(repeating: px[a]), V(repeating: py[a]), V(repeating: fx[a]), V(repeating: fy[a]))
        let (c, s) = (V(repeating: tc[a]), V(repeating: ts[a]))
        let tolerance = V(repeating: tolerance.distance), cosAngle = V(repeating: cosAngle)
        let vpx = RelaxationBuffers.load(px, base) - pax, vpy = RelaxationBuffers.load(py, base) - pay
        let vfx = RelaxationBuffers.load(fx, base) - fax, vfy = RelaxationBuffers.load(fy, base) - fay
        let dp = (vpx * vpx + vpy * vpy).squareRoot(), df = (vfx * vfx + vfy * vfy).squareRoot()
        let gap = dp - df
        let turnAgrees = c * RelaxationBuffers.load(tc, base) + s * RelaxationBuffers.load(ts, base) .>= cosAngle
        let turnedX = c * vfx - s * vfy, turnedY = s * vfx + c * vfy
        // Too close together for the direction between them to be measured: distance and turn decide.
        let direction = (dp .<= tolerance) .| (df .<= tolerance) .| (vpx * turnedX + vpy * turnedY .>= cosAngle * dp * df)
        return turnAgrees .& (gap .<= tolerance) .& (gap .>= -tolerance) .& direction
            .& (RelaxationBuffers.load(pc, base) .!= V(repeating: pc[a])) .& (RelaxationBuffers.load(fc, base) .!= V(repeating: fc[a]))
    }
}
