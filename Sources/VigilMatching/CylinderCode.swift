import Foundation

/// Bit-based Minutia Cylinder-Code (Cappelli, Ferrara, Maltoni, IEEE TPAMI
/// 32(12), 2010): for each minutia, a cylinder of 16 x 16 cells x 6
/// angular sections around it, rotated with its direction; a cell's bit is set
/// when the neighbouring minutiae's spatial-directional contribution reaches
/// μψ, and a validity mask marks cells inside the print. The bits are laid
/// out section by section, one 256-bit plane (4 words) per section, 1536 bits
/// in all; the mask, being the same for every section, is one plane.
public struct CylinderParameters: Sendable {
    public var radius: Float = 70            // R, pixels at 500 dpi
    public var cells = 16                    // NS
    public var sections = 6                  // ND
    public var sigmaS: Float = 28.0 / 3.0    // spatial Gaussian
    public var sigmaD: Float = 2 * .pi / 9   // directional Gaussian
    public var muPsi: Float = 0.01           // bit threshold on a cell's contribution
    public var omega: Float = 50             // convex-hull margin for valid cells
    public var minValidFraction: Float = 0.75
    public var minContributing = 2
    public init() {}

    /// Words per plane (one bit per cell), and for all the sections' planes.
    var planeWords: Int { (cells * cells + 63) / 64 }
    var bitWords: Int { planeWords * sections }

    /// Cell (i, j)'s centre relative to the minutia, before rotation.
    func cellCentre(_ i: Int, _ j: Int) -> (u: Float, v: Float) {
        let cellSize = 2 * radius / Float(cells)
        return ((Float(i) - Float(cells - 1) / 2) * cellSize, (Float(j) - Float(cells - 1) / 2) * cellSize)
    }

    /// Whether cell (i, j)'s centre lies inside the cylinder's radius.
    func insideRadius(_ i: Int, _ j: Int) -> Bool {
        let (u, v) = cellCentre(i, j)
        return u * u + v * v <= radius * radius
    }

    /// Cells inside the radius: a mask holding all of them is the whole disc.
    var discCells: Int {
        (0..<cells).reduce(0) { total, i in total + (0..<cells).filter { insideRadius(i, $0) }.count }
    }
}

public struct Cylinder: Sendable {
    public let minutia: FingerMinutia
    /// `sections` planes of `planeWords` words; cell i·cells + j is bit
    /// (i·cells + j) mod 64 of its plane's word (i·cells + j) / 64.
    public let bits: [UInt64]
    /// One plane: the cells inside the print.
    public let mask: [UInt64]
}

/// What the matcher reads of a cylinder besides its bits, 16 bytes.
struct CylinderSummary {
    /// The minutia's direction on (-π, π].
    let direction: Float
    /// Valid cells times sections: the bits the mask admits.
    let validBits: Int32
    /// Bits set.
    let ones: Int32
    /// 1 when the mask is the whole disc (every cell inside the radius
    /// valid, as for most minutiae away from the print's edge), else 0.
    /// Against a whole mask the common mask is the other one, so fewer bits
    /// need counting.
    let whole: Int32
}

/// A fingerprint's cylinders: the bit template the matcher compares.
public struct CylinderTemplate: Sendable {
    /// How many cylinders (minutiae with enough neighbours and print around them).
    public let count: Int
    public var isEmpty: Bool { count == 0 }
    /// The cylinders' minutiae, in cylinder order.
    let minutiae: [FingerMinutia]
    public let parameters: CylinderParameters
    /// Every cylinder's bits then its mask, `bitWords + planeWords` words
    /// per cylinder (224 bytes by default), and per cylinder what the
    /// matcher's inner loop reads besides the bits: aligned raw memory the
    /// matcher reads through `words` and `summaries`.
    private let packed: AlignedBuffer
    private let summary: AlignedBuffer
    let discBits: Int

    /// Memory the template holds: bits, summaries, points and minutiae.
    public var residentBytes: Int {
        packed.count + summary.count + points.count * MemoryLayout<SIMD4<Float>>.stride
            + minutiae.count * MemoryLayout<FingerMinutia>.stride
    }

    var words: UnsafePointer<UInt64> { UnsafePointer(packed.raw.assumingMemoryBound(to: UInt64.self)) }
    var summaries: UnsafePointer<CylinderSummary> { UnsafePointer(summary.raw.assumingMemoryBound(to: CylinderSummary.self)) }
    /// Per cylinder: its minutia's x, y and the cosine and sine of its
    /// direction, for the relaxation's vectorised compatibility test.
    let points: [SIMD4<Float>]

    public init(minutiae: [FingerMinutia], parameters: CylinderParameters = CylinderParameters()) {
        let hull = ConvexHull(minutiae.map { SIMD2($0.x, $0.y) })
        self.init(cylinders: minutiae.indices.compactMap { Self.cylinder(for: $0, in: minutiae, hull: hull, parameters) },
                  parameters: parameters)
    }

    /// The cylinders as values, rebuilt from the matcher's memory (the
    /// template keeps each cylinder's bits once, in `words`).
    public var cylinders: [Cylinder] {
        let stride = parameters.bitWords + parameters.planeWords
        return (0..<count).map { i in
            let start = words + i * stride
            return Cylinder(minutia: minutiae[i], bits: Array(UnsafeBufferPointer(start: start, count: parameters.bitWords)),
                            mask: Array(UnsafeBufferPointer(start: start + parameters.bitWords, count: parameters.planeWords)))
        }
    }

    /// Storage form: a version byte (2: planes by section), the cylinder
    /// count, bit words and mask words per cylinder (UInt16 each), then per
    /// cylinder its minutia (x, y, direction as Float32) and its bits and
    /// mask (UInt64), all little-endian. Building cylinders takes about a
    /// millisecond per print; reading them back microseconds, which is what
    /// start-up needs. Other versions read as nil (rebuild from the record).
    public var serialized: [UInt8] {
        var out: [UInt8] = [2]
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        append(UInt16(count))
        append(UInt16(parameters.bitWords))
        append(UInt16(parameters.planeWords))
        for c in cylinders {
            for f in [c.minutia.x, c.minutia.y, c.minutia.direction] { append(f.bitPattern) }
            for w in c.bits + c.mask { append(w) }
        }
        return out
    }

    public init?(serialized bytes: [UInt8], parameters: CylinderParameters = CylinderParameters()) {
        guard bytes.count >= 7, bytes[0] == 2 else { return nil }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
        func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) } }
        let count = u16(1), bitWords = u16(3), maskWords = u16(5)
        let stride = 12 + 8 * (bitWords + maskWords)
        guard bitWords == parameters.bitWords, maskWords == parameters.planeWords, bytes.count == 7 + count * stride else { return nil }
        var cylinders: [Cylinder] = []
        for i in 0..<count {
            let at = 7 + i * stride
            let m = FingerMinutia(x: Float(bitPattern: u32(at)), y: Float(bitPattern: u32(at + 4)), direction: Float(bitPattern: u32(at + 8)))
            guard m.x.isFinite, m.y.isFinite, m.direction.isFinite else { return nil }
            let words = (0..<bitWords + maskWords).map { u64(at + 12 + 8 * $0) }
            cylinders.append(Cylinder(minutia: m, bits: Array(words[..<bitWords]), mask: Array(words[bitWords...])))
        }
        self.init(cylinders: cylinders, parameters: parameters)
    }

    private init(cylinders: [Cylinder], parameters: CylinderParameters) {
        self.parameters = parameters
        count = cylinders.count
        minutiae = cylinders.map(\.minutia)
        let words = cylinders.flatMap { $0.bits + $0.mask }
        packed = AlignedBuffer(count: words.count * MemoryLayout<UInt64>.stride)
        packed.raw.copyMemory(from: words, byteCount: words.count * MemoryLayout<UInt64>.stride)
        let disc = parameters.discCells
        discBits = disc * parameters.sections
        let summaries = cylinders.map { c in
            let cells = c.mask.reduce(0) { $0 + $1.nonzeroBitCount }
            return CylinderSummary(direction: Angle.normalized(c.minutia.direction), validBits: Int32(cells * parameters.sections),
                                   ones: Int32(c.bits.reduce(0) { $0 + $1.nonzeroBitCount }), whole: cells == disc ? 1 : 0)
        }
        summary = AlignedBuffer(count: summaries.count * MemoryLayout<CylinderSummary>.stride)
        summary.raw.copyMemory(from: summaries, byteCount: summaries.count * MemoryLayout<CylinderSummary>.stride)
        points = cylinders.map { SIMD4($0.minutia.x, $0.minutia.y, cos($0.minutia.direction), sin($0.minutia.direction)) }
    }

    private static func cylinder(for index: Int, in minutiae: [FingerMinutia], hull: ConvexHull, _ p: CylinderParameters) -> Cylinder? {
        let m = minutiae[index]
        let sectionSize = 2 * Float.pi / Float(p.sections)
        let (s, c) = (sin(m.direction), cos(m.direction))
        let reach = 3 * p.sigmaS
        let neighbours = minutiae.indices.filter { j in
            j != index && hypot(minutiae[j].x - m.x, minutiae[j].y - m.y) <= p.radius + reach
        }
        guard neighbours.count >= p.minContributing else { return nil }
        var bits = [UInt64](repeating: 0, count: p.bitWords)
        var mask = [UInt64](repeating: 0, count: p.planeWords)
        var validCells = 0, insideRadius = 0
        let gaussS = 1 / (p.sigmaS * (2 * Float.pi).squareRoot())
        // A neighbour's directional weight in each section does not depend
        // on the cell, and its spatial weight in a cell not on the section:
        // each is computed once (the sums are the same, term for term).
        let directional = neighbours.flatMap { n in
            let relative = Angle.difference(m.direction, minutiae[n].direction)
            return (0..<p.sections).map { k in
                Self.sectionWeight(Angle.difference(-Float.pi + (Float(k) + 0.5) * sectionSize, relative), sectionSize, p.sigmaD)
            }
        }
        var contribution = [Float](repeating: 0, count: p.sections)
        for i in 0..<p.cells {
            for j in 0..<p.cells {
                guard p.insideRadius(i, j) else { continue }
                let (u, v) = p.cellCentre(i, j)
                insideRadius += 1
                let cx = m.x + u * c - v * s, cy = m.y + u * s + v * c
                guard hull.distance(to: SIMD2(cx, cy)) <= p.omega else { continue }
                validCells += 1
                for k in 0..<p.sections { contribution[k] = 0 }
                for (slot, n) in neighbours.enumerated() {
                    let t = minutiae[n]
                    let d = hypot(t.x - cx, t.y - cy)
                    guard d <= reach else { continue }
                    let spatial = gaussS * exp(-d * d / (2 * p.sigmaS * p.sigmaS))
                    for k in 0..<p.sections { contribution[k] += spatial * directional[slot * p.sections + k] }
                }
                let cell = i * p.cells + j
                mask[cell >> 6] |= 1 << UInt64(cell & 63)
                for k in 0..<p.sections where contribution[k] >= p.muPsi {
                    bits[k * p.planeWords + (cell >> 6)] |= 1 << UInt64(cell & 63)
                }
            }
        }
        guard insideRadius > 0, Float(validCells) >= p.minValidFraction * Float(insideRadius) else { return nil }
        return Cylinder(minutia: m, bits: bits, mask: mask)
    }

    /// Area of a normal(0, σ) over [α − Δ/2, α + Δ/2].
    static func sectionWeight(_ alpha: Float, _ width: Float, _ sigma: Float) -> Float {
        let scale = 1 / (sigma * Float(2).squareRoot())
        return 0.5 * (erf((alpha + width / 2) * scale) - erf((alpha - width / 2) * scale))
    }
}

/// The convex hull of the minutiae, to keep cylinder cells on the print.
struct ConvexHull {
    let points: [SIMD2<Float>]   // counter-clockwise in a y-up frame, or a degenerate set

    init(_ input: [SIMD2<Float>]) {
        let sorted = input.sorted { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }
        guard sorted.count > 2 else {
            points = sorted
            return
        }
        func cross(_ o: SIMD2<Float>, _ a: SIMD2<Float>, _ b: SIMD2<Float>) -> Float {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [SIMD2<Float>] = [], upper: [SIMD2<Float>] = []
        for p in sorted {
            while lower.count >= 2, cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
            lower.append(p)
        }
        for p in sorted.reversed() {
            while upper.count >= 2, cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
            upper.append(p)
        }
        points = Array(lower.dropLast() + upper.dropLast())
    }

    /// 0 inside the hull, else the distance to its boundary.
    func distance(to q: SIMD2<Float>) -> Float {
        guard points.count > 2 else {
            return points.map { simd_distance($0, q) }.min() ?? .infinity
        }
        var inside = true, nearest = Float.infinity
        for i in points.indices {
            let a = points[i], b = points[(i + 1) % points.count]
            let edge = b - a, toQ = q - a
            if edge.x * toQ.y - edge.y * toQ.x < 0 { inside = false }
            let t = max(0, min(1, (toQ.x * edge.x + toQ.y * edge.y) / max(1e-9, edge.x * edge.x + edge.y * edge.y)))
            nearest = min(nearest, simd_distance(a + t * edge, q))
        }
        return inside ? 0 : nearest
    }

    private func simd_distance(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> Float {
        let d = a - b
        return (d.x * d.x + d.y * d.y).squareRoot()
    }
}
