import Foundation

extension CylinderMatcher {
    /// Iteratively weighs each pair in `w.pairs` by how compatible it is with
    /// the others (distance, direction difference and radial angle agree in
    /// both prints). Leaves the relaxed similarities in `w.relaxation.lambda`.
    func relax(_ a: CylinderTemplate, _ b: CylinderTemplate, _ w: Workspace) {
        w.relaxation.start(w.pairs)
        guard w.pairs.count > 1 else { return }
        w.relaxation.gather(w.pairs, a, b)
        w.relaxation.findPartners(self)
        w.relaxation.evaluate(self)
        w.relaxation.iterate(rounds: relaxationRounds, weight: relaxationWeight)
    }
}

/// The relaxation's scratch, reused across comparisons. The compatibility
/// ρ(t, k) of pair t with pair k is kept sparse, as rows of partners: a
/// pair of pairs whose distances differ by more than 20 px beyond μ1, or
/// whose angles differ by more than 0.6 rad beyond μ, has ρ below e^-18,
/// and most pairs of pairs are such. The partners are found sixteen at a
/// time with no trigonometry; the angles and sigmoids of those found are
/// then evaluated sixteen at a time (`VectorMath`).
struct RelaxationBuffers {
    typealias V = SIMD16<Float>

    /// Six planes of `stride` floats (whole 16-lane steps), one entry per
    /// pair: x and y in A, x and y in B, cos Δ and sin Δ (Δ = direction in A
    /// − direction in B); past the last pair, A's x is 1e18 (every
    /// distance test fails) and the rest zeros.
    var lanes: [Float] = []
    var stride = 0
    /// Row t's partners are `partner[rowStart[t]..<rowStart[t+1]]`, and what
    /// their angles are measured from sits in five planes of `capacity`
    /// floats: |distance in A − distance in B|, sin and cos of (Δt − Δk),
    /// and cross and dot of A's vector t→k with B's turned by Δt.
    var rowStart: [Int32] = [], partner: [Int32] = [], measures: [Float] = [], rho: [Float] = []
    var capacity = 0, found = 0
    /// One step's five measures, lane by lane.
    var stash = [Float](repeating: 0, count: 5 * 16)
    var lambda: [Float] = [], next: [Float] = []
    var order: [UInt64] = []

    /// λ starts as each pair's similarity.
    mutating func start(_ pairs: [CylinderMatcher.Pair]) {
        lambda.removeAll(keepingCapacity: true)
        lambda.append(contentsOf: pairs.lazy.map(\.similarity))
        next.removeAll(keepingCapacity: true)
        next.append(contentsOf: repeatElement(0, count: pairs.count))
    }

    mutating func gather(_ pairs: [CylinderMatcher.Pair], _ a: CylinderTemplate, _ b: CylinderTemplate) {
        let n = pairs.count
        stride = (n + 15) / 16 * 16
        lanes.removeAll(keepingCapacity: true)
        lanes.append(contentsOf: repeatElement(0, count: 6 * stride))
        for k in n..<stride { lanes[k] = 1e18 }   // squared, still finite
        for (k, pair) in pairs.enumerated() {
            let p = a.points[pair.a], q = b.points[pair.b]
            lanes[k] = p.x
            lanes[stride + k] = p.y
            lanes[2 * stride + k] = q.x
            lanes[3 * stride + k] = q.y
            lanes[4 * stride + k] = p.z * q.z + p.w * q.w   // cos(θa − θb)
            lanes[5 * stride + k] = p.w * q.z - p.z * q.w   // sin(θa − θb)
        }
        if capacity < n * stride {
            capacity = n * stride
            partner = [Int32](repeating: 0, count: capacity)
            measures = [Float](repeating: 0, count: 5 * capacity)
            rho = [Float](repeating: 0, count: capacity)
        }
        if rowStart.count < n + 1 { rowStart = [Int32](repeating: 0, count: n + 1) }
    }

    /// Every ordered pair of pairs (t, k) that may have ρ ≥ e^-18: distances
    /// within the limit, cos(Δt − Δk) and the cosine between the two
    /// vectors above those of their limits, all a little looser (0.01 px,
    /// 0.01 rad) than the limits, far beyond rounding.
    mutating func findPartners(_ m: CylinderMatcher) {
        let n = lambda.count
        let loose1 = V(repeating: m.mu1 + 20.01), cos2 = V(repeating: cos(m.mu2 + 0.61)), cos3 = V(repeating: cos(m.mu3 + 0.61))
        // Lane numbers as floats: integer lane comparisons against a scalar compiled to a loop over lanes.
        let laneIndex = V(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let laneBit = SIMD16<UInt32>(1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7,
                                     1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12, 1 << 13, 1 << 14, 1 << 15)
        let capacity = capacity, stride = stride
        var count = 0
        lanes.withUnsafeBufferPointer { soa in
        stash.withUnsafeMutableBufferPointer { stash in
        measures.withUnsafeMutableBufferPointer { measures in
        partner.withUnsafeMutableBufferPointer { partner in
        rowStart.withUnsafeMutableBufferPointer { rowStart in
            let plane = { (k: Int) in soa.baseAddress! + k &* stride }
            let (ax, ay, bx, by, cd, sd) = (plane(0), plane(1), plane(2), plane(3), plane(4), plane(5))
            let out = UnsafeMutableRawPointer(stash.baseAddress!)
            for t in 0..<n {
                rowStart[t] = Int32(truncatingIfNeeded: count)
                let (axt, ayt, bxt, byt, c, s) = (V(repeating: ax[t]), V(repeating: ay[t]), V(repeating: bx[t]),
                                                  V(repeating: by[t]), V(repeating: cd[t]), V(repeating: sd[t]))
                var base = 0
                while base < n {
                    let vax = Self.load(ax, base) - axt, vay = Self.load(ay, base) - ayt
                    let vbx = Self.load(bx, base) - bxt, vby = Self.load(by, base) - byt
                    let dA = (vax * vax + vay * vay).squareRoot(), dB = (vbx * vbx + vby * vby).squareRoot()
                    let gap = dA - dB
                    let ck = Self.load(cd, base), sk = Self.load(sd, base)
                    let turnCos = c * ck + s * sk
                    let turnedX = c * vbx - s * vby, turnedY = s * vbx + c * vby
                    let dot = vax * turnedX + vay * turnedY
                    // Lanes past the last pair hold A's x far away: their gap fails.
                    let pass = (gap .< loose1) .& (gap .> -loose1) .& (turnCos .>= cos2) .& (dot .>= cos3 * dA * dB)
                        .& (laneIndex .!= V(repeating: Float(t &- base)))
                    var bits = SIMD16<UInt32>(repeating: 0).replacing(with: laneBit, where: pass).wrappedSum()
                    if bits != 0 {
                        out.storeBytes(of: gap.replacing(with: -gap, where: gap .< 0), toByteOffset: 0, as: V.self)
                        out.storeBytes(of: s * ck - c * sk, toByteOffset: 64, as: V.self)
                        out.storeBytes(of: turnCos, toByteOffset: 128, as: V.self)
                        out.storeBytes(of: vax * turnedY - vay * turnedX, toByteOffset: 192, as: V.self)
                        out.storeBytes(of: dot, toByteOffset: 256, as: V.self)
                        repeat {
                            let lane = bits.trailingZeroBitCount
                            bits &= bits &- 1
                            partner[count] = Int32(truncatingIfNeeded: base &+ lane)
                            for plane in 0..<5 { measures[plane &* capacity &+ count] = stash[plane &* 16 &+ lane] }
                            count &+= 1
                        } while bits != 0
                    }
                    base &+= 16
                }
            }
            rowStart[n] = Int32(truncatingIfNeeded: count)
        } } } } }
        found = count
    }

    /// ρ for every partner found: the product of the three sigmoids of
    /// the distance gap and the two angles.
    mutating func evaluate(_ m: CylinderMatcher) {
        let capacity = capacity, found = found
        measures.withUnsafeBufferPointer { measures in
        rho.withUnsafeMutableBufferPointer { rho in
            let plane = { (k: Int) in measures.baseAddress! + k &* capacity }
            var base = 0
            while base < found {   // whole steps: the planes hold a step's slack past `found`
                let d1 = Self.load(plane(0), base)
                let sine = Self.load(plane(1), base), cross = Self.load(plane(3), base)
                let d2 = VectorMath.atan2(sine.replacing(with: -sine, where: sine .< 0), Self.load(plane(2), base))
                let d3 = VectorMath.atan2(cross.replacing(with: -cross, where: cross .< 0), Self.load(plane(4), base))
                let value = VectorMath.sigmoid(d1, m.mu1, m.tau1) * VectorMath.sigmoid(d2, m.mu2, m.tau2) * VectorMath.sigmoid(d3, m.mu3, m.tau3)
                UnsafeMutableRawPointer(rho.baseAddress! + base).storeBytes(of: value, as: V.self)
                base &+= 16
            }
        } }
    }

    /// λ_t ← w·λ_t + (1 − w)·Σ_k ρ(t, k)·λ_k / (n − 1), `rounds` times.
    mutating func iterate(rounds: Int, weight: Float) {
        let n = lambda.count
        rowStart.withUnsafeBufferPointer { start in
        partner.withUnsafeBufferPointer { partner in
        rho.withUnsafeBufferPointer { rho in
        lambda.withUnsafeMutableBufferPointer { lambda in
        next.withUnsafeMutableBufferPointer { next in
            var (l, out) = (lambda.baseAddress!, next.baseAddress!)
            for _ in 0..<rounds {
                for t in 0..<n {
                    // The zeros a dense row would hold add exactly nothing.
                    var support: Float = 0
                    for e in Int(start[t])..<Int(start[t &+ 1]) { support += rho[e] * l[Int(partner[e])] }
                    out[t] = weight * l[t] + (1 - weight) * support / Float(n - 1)
                }
                swap(&l, &out)
            }
            if l != lambda.baseAddress! { lambda.baseAddress!.update(from: l, count: n) }
        } } } } }
    }

    /// The sum of the `count` relaxed similarities that kept most of their
    /// first value (efficiency λ / similarity), highest first, ties to the
    /// lower pair, added in that order.
    mutating func sumOfMostEfficient(_ count: Int, pairs: [CylinderMatcher.Pair]) -> Float {
        order.removeAll(keepingCapacity: true)
        for (t, pair) in pairs.enumerated() {
            // Efficiencies are non-negative, so their bit patterns order like them.
            let efficiency = lambda[t] / max(pair.similarity, 1e-9)
            order.append(UInt64(~efficiency.bitPattern) << 32 | UInt64(t))
        }
        order.withUnsafeMutableBufferPointer { RadixSort.orderTies($0.baseAddress!, count: $0.count) }   // a plain insertion sort: a few dozen keys
        return order.prefix(count).reduce(Float(0)) { $0 + lambda[Int(truncatingIfNeeded: $1 & 0xFFFF_FFFF)] }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ k: Int) -> V { UnsafeRawPointer(p + k).loadUnaligned(as: V.self) }
}
