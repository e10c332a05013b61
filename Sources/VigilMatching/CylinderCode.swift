import Foundation

/// Bit-based Minutia Cylinder-Code (Cappelli, Ferrara, Maltoni, IEEE TPAMI
/// 32(12), 2010): for each minutia, a cylinder of 16 x 16 cells x 6
/// angular sections around it, rotated with its direction; a cell's bit is set
/// when the neighbouring minutiae's spatial-directional contribution reaches
/// μψ, and a validity mask marks cells inside the print. 1536 bits = 24 words.
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

    var words: Int { (cells * cells * sections + 63) / 64 }
}

public struct Cylinder: Sendable {
    public let minutia: FingerMinutia
    public let bits: [UInt64]
    public let mask: [UInt64]
}

/// A fingerprint's cylinders: the bit template the matcher compares.
public struct CylinderTemplate: Sendable {
    public let cylinders: [Cylinder]
    public let parameters: CylinderParameters
    /// Pairwise geometry of the cylinders' minutiae (row-major n x n), computed
    /// once so that comparisons need no trigonometry: distance, direction
    /// difference, and direction relative to the line joining them, with a
    /// zero lane, side by side so that one load fetches all three.
    let geometry: [SIMD4<Float>]
    /// Every cylinder's bits then its mask, `2 * words` per cylinder, contiguous.
    let packed: [UInt64]
    /// Per cylinder: its minutia's direction on (-π, π] and its number of
    /// valid cells, laid out flat for the matcher's inner loop.
    let directions: [Float]
    let validCells: [Int32]

    public init(minutiae: [FingerMinutia], parameters: CylinderParameters = CylinderParameters()) {
        let hull = ConvexHull(minutiae.map { SIMD2($0.x, $0.y) })
        self.init(cylinders: minutiae.indices.compactMap { Self.cylinder(for: $0, in: minutiae, hull: hull, parameters) },
                  parameters: parameters)
    }

    /// Storage form: a version byte, the cylinder count and words per bit
    /// plane (UInt16 each), then per cylinder its minutia (x, y, direction as
    /// Float32) and its bits and mask (UInt64), all little-endian. Building
    /// cylinders costs milliseconds (Gaussian integrals per cell); reading
    /// them back costs microseconds, which is what start-up needs.
    public var serialized: [UInt8] {
        var out: [UInt8] = [1]
        func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        append(UInt16(cylinders.count))
        append(UInt16(parameters.words))
        for c in cylinders {
            for f in [c.minutia.x, c.minutia.y, c.minutia.direction] { append(f.bitPattern) }
            for w in c.bits + c.mask { append(w) }
        }
        return out
    }

    public init?(serialized bytes: [UInt8], parameters: CylinderParameters = CylinderParameters()) {
        guard bytes.count >= 5, bytes[0] == 1 else { return nil }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
        func u64(_ at: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[at + $1]) << (8 * $1) } }
        let count = u16(1), words = u16(3)
        let stride = 12 + 16 * words
        guard words == parameters.words, bytes.count == 5 + count * stride else { return nil }
        var cylinders: [Cylinder] = []
        for i in 0..<count {
            let at = 5 + i * stride
            let m = FingerMinutia(x: Float(bitPattern: u32(at)), y: Float(bitPattern: u32(at + 4)), direction: Float(bitPattern: u32(at + 8)))
            guard m.x.isFinite, m.y.isFinite, m.direction.isFinite else { return nil }
            let planes = (0..<2 * words).map { u64(at + 12 + 8 * $0) }
            cylinders.append(Cylinder(minutia: m, bits: Array(planes[..<words]), mask: Array(planes[words...])))
        }
        self.init(cylinders: cylinders, parameters: parameters)
    }

    private init(cylinders: [Cylinder], parameters: CylinderParameters) {
        self.parameters = parameters
        self.cylinders = cylinders
        let n = cylinders.count
        var geometry = [SIMD4<Float>](repeating: .zero, count: n * n)
        for t in 0..<n {
            let a = cylinders[t].minutia
            for k in 0..<n where k != t {
                let b = cylinders[k].minutia
                geometry[t * n + k] = SIMD4(hypot(a.x - b.x, a.y - b.y), Angle.difference(a.direction, b.direction),
                                            Angle.difference(a.direction, atan2(b.y - a.y, b.x - a.x)), 0)
            }
        }
        self.geometry = geometry
        packed = cylinders.flatMap { $0.bits + $0.mask }
        directions = cylinders.map { Angle.normalized($0.minutia.direction) }
        validCells = cylinders.map { Int32($0.mask.reduce(0) { $0 + $1.nonzeroBitCount }) }
    }

    private static func cylinder(for index: Int, in minutiae: [FingerMinutia], hull: ConvexHull, _ p: CylinderParameters) -> Cylinder? {
        let m = minutiae[index]
        let cellSize = 2 * p.radius / Float(p.cells)
        let sectionSize = 2 * Float.pi / Float(p.sections)
        let (s, c) = (sin(m.direction), cos(m.direction))
        let reach = 3 * p.sigmaS
        let neighbours = minutiae.indices.filter { j in
            j != index && hypot(minutiae[j].x - m.x, minutiae[j].y - m.y) <= p.radius + reach
        }
        guard neighbours.count >= p.minContributing else { return nil }
        var bits = [UInt64](repeating: 0, count: p.words)
        var mask = [UInt64](repeating: 0, count: p.words)
        var validCells = 0, insideRadius = 0
        let gaussS = 1 / (p.sigmaS * (2 * Float.pi).squareRoot())
        for i in 0..<p.cells {
            for j in 0..<p.cells {
                let u = (Float(i) - Float(p.cells - 1) / 2) * cellSize
                let v = (Float(j) - Float(p.cells - 1) / 2) * cellSize
                guard u * u + v * v <= p.radius * p.radius else { continue }
                insideRadius += 1
                let cx = m.x + u * c - v * s, cy = m.y + u * s + v * c
                guard hull.distance(to: SIMD2(cx, cy)) <= p.omega else { continue }
                validCells += 1
                for k in 0..<p.sections {
                    let bit = (i * p.cells + j) * p.sections + k
                    mask[bit >> 6] |= 1 << UInt64(bit & 63)
                    let sectionAngle = -Float.pi + (Float(k) + 0.5) * sectionSize
                    var contribution: Float = 0
                    for n in neighbours {
                        let t = minutiae[n]
                        let d = hypot(t.x - cx, t.y - cy)
                        guard d <= reach else { continue }
                        let spatial = gaussS * exp(-d * d / (2 * p.sigmaS * p.sigmaS))
                        let relative = Angle.difference(m.direction, t.direction)
                        let directional = Self.sectionWeight(Angle.difference(sectionAngle, relative), sectionSize, p.sigmaD)
                        contribution += spatial * directional
                    }
                    if contribution >= p.muPsi { bits[bit >> 6] |= 1 << UInt64(bit & 63) }
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
