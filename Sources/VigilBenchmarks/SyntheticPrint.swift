import Foundation
import VigilMatching

/// Minutiae of a print that does not exist, with the structure real prints
/// have, for distractor galleries far larger than any data set we hold.
///
/// Uniformly random minutiae (what `FingerBenchmark` uses for speed) would
/// flatter an index: their directions are unrelated, so two unrelated prints
/// share almost no local structure. In a real print neighbouring minutiae
/// follow one smooth ridge flow, which is what makes unrelated cylinders
/// alike and candidate selection hard. So the ridge flow comes first:
/// - the orientation field is Sherlock and Monro's zero-pole model (1993):
///   θ(z) = θ₀ + ½ Σ arg(z − core) − ½ Σ arg(z − delta), with the classes in
///   their natural frequencies (loops about 65%, whorls 30%, arches 5%) and
///   the singular points placed where they fall on a plain impression;
/// - minutiae are thrown at random inside an elliptical print of plain
///   impression size at 500 dpi, at least 10 px apart (their closest real
///   spacing is about a ridge period), 25 to 70 of them like the FVC
///   databases through Vigil's extractor;
/// - each minutia lies along the local ridge flow, pointing either way, as
///   an ending or a bifurcation does.
struct SyntheticPrint {
    enum Pattern: CaseIterable { case leftLoop, rightLoop, whorl, arch, tentedArch }

    static func minutiae(using rng: inout Random) -> [FingerMinutia] {
        let centre = SIMD2<Float>(190 + 20 * rng.uniform(), 200 + 20 * rng.uniform())
        let axes = SIMD2<Float>(130 + 25 * rng.uniform(), 170 + 30 * rng.uniform())
        let field = OrientationField(pattern: pattern(using: &rng), centre: centre, using: &rng)
        let wanted = 25 + Int(rng.next() % 46)
        var points: [SIMD2<Float>] = []
        var attempts = 0
        while points.count < wanted && attempts < 20 * wanted {
            attempts += 1
            let p = SIMD2(centre.x + axes.x * rng.uniform(), centre.y + axes.y * rng.uniform())
            let d = (p - centre) / axes
            guard d.x * d.x + d.y * d.y <= 1 else { continue }
            guard !points.contains(where: { q in let e = q - p; return e.x * e.x + e.y * e.y < 100 }) else { continue }
            points.append(p)
        }
        return points.map { p in
            let flow = field.ridgeAngle(at: p)
            return FingerMinutia(x: p.x, y: p.y, direction: Angle.normalized(flow + (rng.next() & 1 == 0 ? 0 : .pi)))
        }
    }

    static func pattern(using rng: inout Random) -> Pattern {
        switch rng.next() % 100 {
        case 0..<33: .leftLoop
        case 33..<65: .rightLoop
        case 65..<95: .whorl
        case 95..<98: .arch
        default: .tentedArch
        }
    }
}

/// The zero-pole orientation model: ridge direction at a point from the
/// cores and deltas around it.
struct OrientationField {
    var cores: [SIMD2<Float>] = []
    var deltas: [SIMD2<Float>] = []
    var base: Float = 0
    /// Arches have no singular point: a gentle bump across the finger instead.
    var archCentre: SIMD2<Float>?

    init(pattern: SyntheticPrint.Pattern, centre: SIMD2<Float>, using rng: inout Random) {
        let jitter = { (rng: inout Random, size: Float) in SIMD2<Float>(size * rng.uniform(), size * rng.uniform()) }
        let core = centre + SIMD2(0, -40) + jitter(&rng, 25)
        switch pattern {
        case .leftLoop, .rightLoop:
            let side: Float = pattern == .leftLoop ? -1 : 1
            cores = [core]
            deltas = [core + SIMD2(side * (70 + 30 * rng.uniform()), 110 + 25 * rng.uniform())]
        case .whorl:
            cores = [core, core + SIMD2(10 * rng.uniform(), 25 + 15 * rng.uniform())]
            deltas = [core + SIMD2(-(90 + 25 * rng.uniform()), 120 + 25 * rng.uniform()),
                      core + SIMD2(90 + 25 * rng.uniform(), 120 + 25 * rng.uniform())]
        case .tentedArch:
            cores = [core]
            deltas = [core + SIMD2(5 * rng.uniform(), 60 + 20 * rng.uniform())]
        case .arch:
            archCentre = core
        }
        base = 0.2 * rng.uniform()
    }

    /// The ridge direction at `p`, radians, defined modulo π.
    func ridgeAngle(at p: SIMD2<Float>) -> Float {
        if let c = archCentre {
            // Ridges run across the finger and rise over the centre.
            let dx = (p.x - c.x) / 120
            return base - 0.8 * dx * exp(-dx * dx) * exp(-max(0, p.y - c.y) / 150)
        }
        var angle = base
        for c in cores { angle += 0.5 * atan2(p.y - c.y, p.x - c.x) }
        for d in deltas { angle -= 0.5 * atan2(p.y - d.y, p.x - d.x) }
        return angle
    }
}

/// Another capture of a real print, far enough from the original that it
/// is a different sample yet still its finger: turned up to 30° and moved,
/// stretched by a smooth random displacement of up to 8 px (skin is
/// elastic; rigid copies would be easier to find), seen through a window
/// that keeps 70-100% of it, each minutia moved by up to 2 px and 0.1 rad,
/// up to a fifth lost and a few spurious ones added.
struct PrintTransformation {
    static func apply(_ minutiae: [FingerMinutia], using rng: inout Random) -> [FingerMinutia] {
        guard !minutiae.isEmpty else { return [] }
        let xs = minutiae.map(\.x), ys = minutiae.map(\.y)
        let (minX, maxX, minY, maxY) = (xs.min()!, xs.max()!, ys.min()!, ys.max()!)
        let centre = SIMD2((minX + maxX) / 2, (minY + maxY) / 2)
        let turn = rng.uniform() * .pi / 6
        let (c, s) = (cos(turn), sin(turn))
        let shift = SIMD2<Float>(30 * rng.uniform(), 30 * rng.uniform())
        let amplitude = SIMD2<Float>(8 * rng.uniform(), 8 * rng.uniform())
        let wave = SIMD2<Float>(2 * .pi / (200 + 150 * abs(rng.uniform())), 2 * .pi / (200 + 150 * abs(rng.uniform())))
        let phase = SIMD2<Float>(.pi * rng.uniform(), .pi * rng.uniform())
        let keep = 0.7 + 0.3 * abs(rng.uniform())   // window: share of width and height kept
        let window = (x: minX + (maxX - minX) * (1 - keep) * abs(rng.uniform()), y: minY + (maxY - minY) * (1 - keep) * abs(rng.uniform()))
        let lost = 0.2 * abs(rng.uniform())
        var out: [FingerMinutia] = []
        for m in minutiae {
            guard m.x >= window.x, m.x <= window.x + (maxX - minX) * keep, m.y >= window.y, m.y <= window.y + (maxY - minY) * keep else { continue }
            guard abs(rng.uniform()) >= lost else { continue }
            let bent = SIMD2(m.x + amplitude.x * sin(wave.x * m.y + phase.x), m.y + amplitude.y * sin(wave.y * m.x + phase.y))
            let r = bent - centre
            let moved = centre + SIMD2(c * r.x - s * r.y, s * r.x + c * r.y) + shift + SIMD2(2 * rng.uniform(), 2 * rng.uniform())
            out.append(FingerMinutia(x: moved.x, y: moved.y, direction: Angle.normalized(m.direction + turn + 0.1 * rng.uniform())))
        }
        for _ in 0..<Int(rng.next() % 4) {
            out.append(FingerMinutia(x: centre.x + 120 * rng.uniform(), y: centre.y + 150 * rng.uniform(), direction: .pi * rng.uniform()))
        }
        return out
    }
}
