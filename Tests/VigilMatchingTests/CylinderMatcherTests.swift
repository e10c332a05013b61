import Foundation
import Testing
import VigilTestSupport
@testable import VigilMatching

@Suite("Minutia Cylinder-Code matcher")
struct CylinderMatcherTests {
    static func print(_ count: Int, seed: UInt64) -> [FingerMinutia] {
        var rng = SplitMix64(state: seed)
        return (0..<count).map { _ in
            FingerMinutia(x: Float.random(in: 40...260, using: &rng), y: Float.random(in: 40...340, using: &rng),
                          direction: Float.random(in: -Float.pi...Float.pi, using: &rng))
        }
    }

    /// The same minutiae seen rotated by `angle` about the origin and shifted.
    static func moved(_ minutiae: [FingerMinutia], angle: Float, dx: Float, dy: Float) -> [FingerMinutia] {
        minutiae.map { m in
            FingerMinutia(x: m.x * cos(angle) - m.y * sin(angle) + dx, y: m.x * sin(angle) + m.y * cos(angle) + dy,
                          direction: Angle.normalized(m.direction + angle))
        }
    }

    @Test("a print matches itself and a rotated, shifted copy; an unrelated print scores far lower")
    func invariance() {
        let minutiae = Self.print(40, seed: 1)
        let matcher = CylinderMatcher()
        let a = CylinderTemplate(minutiae: minutiae)
        #expect(!a.isEmpty)
        let itself = matcher.score(a, a)
        let moved = matcher.score(a, CylinderTemplate(minutiae: Self.moved(minutiae, angle: 0.4, dx: 30, dy: -20)))
        let other = matcher.score(a, CylinderTemplate(minutiae: Self.print(40, seed: 2)))
        #expect(itself > 0.9)
        #expect(moved > 0.8)
        #expect(other < 0.3)
        #expect(abs(matcher.score(a, CylinderTemplate(minutiae: Self.print(40, seed: 2))) - matcher.score(CylinderTemplate(minutiae: Self.print(40, seed: 2)), a)) < 0.05)
    }

    @Test("a direction error of 180 degrees breaks the match (angle convention matters)")
    func directionSensitivity() {
        let minutiae = Self.print(40, seed: 3)
        let flipped = minutiae.map { FingerMinutia(x: $0.x, y: $0.y, direction: Angle.normalized($0.direction + .pi)) }
        let matcher = CylinderMatcher()
        let a = CylinderTemplate(minutiae: minutiae)
        #expect(matcher.score(a, CylinderTemplate(minutiae: flipped)) < 0.5 * matcher.score(a, a))
    }

    /// A noisy impression of `minutiae`: moved, jittered, with some minutiae
    /// lost and some spurious ones added, as two captures of one finger are.
    static func impression(of minutiae: [FingerMinutia], seed: UInt64) -> [FingerMinutia] {
        var rng = SplitMix64(state: seed)
        let kept = minutiae.filter { _ in Float.random(in: 0...1, using: &rng) > 0.2 }.map {
            FingerMinutia(x: $0.x + Float.random(in: -3...3, using: &rng), y: $0.y + Float.random(in: -3...3, using: &rng),
                          direction: Angle.normalized($0.direction + Float.random(in: -0.2...0.2, using: &rng)))
        }
        let moved = Self.moved(kept, angle: Float.random(in: -0.5...0.5, using: &rng), dx: Float.random(in: -40...40, using: &rng),
                               dy: Float.random(in: -40...40, using: &rng))
        return moved + Self.print(Int.random(in: 0...8, using: &rng), seed: seed &+ 1)
    }

    @Test("scores equal the plain LSA-R of the paper on mated and non-mated prints, small ones included")
    func matchesReference() {
        let matcher = CylinderMatcher(), reference = ReferenceCylinderMatcher(), workspace = CylinderMatcher.Workspace()
        var worst: Float = 0
        for seed in UInt64(1)...60 {
            // 10 to 54 minutiae: every n_P, so the normalisation is checked too.
            let minutiae = Self.print(10 + Int(seed % 45), seed: seed)
            let a = CylinderTemplate(minutiae: minutiae)
            for b in [CylinderTemplate(minutiae: Self.impression(of: minutiae, seed: seed &* 7)),
                      CylinderTemplate(minutiae: Self.print(25 + Int(seed % 23), seed: seed &+ 1000)), a] {
                worst = max(worst, abs(matcher.score(a, b, using: workspace) - reference.score(a, b)))
            }
        }
        // The optimised matcher leaves out compatibilities below e^-18 and
        // sums in another order: differences of float rounding, nothing more.
        #expect(worst < 1e-4, "largest difference \(worst)")
    }

    @Test("too few minutiae give no cylinders and a zero score")
    func degenerate() {
        let lonely = CylinderTemplate(minutiae: [FingerMinutia(x: 100, y: 100, direction: 0)])
        #expect(lonely.isEmpty)
        #expect(CylinderMatcher().score(lonely, CylinderTemplate(minutiae: Self.print(30, seed: 4))) == 0)
        #expect(CylinderTemplate(minutiae: []).isEmpty)
    }
}

@Suite("Radix sort of pair keys")
struct RadixSortTests {
    @Test("orders like a stable sort on the high word, and then by the whole key, ties included")
    func matchesStableSort() {
        var rng = SplitMix64(state: 9)
        // Both sides of the insertion sort's limit.
        for size in [0, 1, 2, 17, RadixSort.insertionBelow, RadixSort.insertionBelow + 1, 300, 1_000] {
            // Few distinct high words, so ties are common.
            let keys = (0..<size).map { _ in UInt64(rng.next() % 50) << 32 | UInt64(rng.next() % 3000) }
            var buffer = keys, scratch = keys, counts = [Int32](repeating: 0, count: 1024)
            var stable: [UInt64] = [], whole: [UInt64] = []
            buffer.withUnsafeMutableBufferPointer { k in
                scratch.withUnsafeMutableBufferPointer { s in
                    counts.withUnsafeMutableBufferPointer { c in
                        let result = RadixSort.sortByHighWord(k.baseAddress!, scratch: s.baseAddress!, count: size, counts: c.baseAddress!)
                        stable = Array(UnsafeBufferPointer(start: result, count: size))
                        RadixSort.orderTies(result, count: size)
                        whole = Array(UnsafeBufferPointer(start: result, count: size))
                    }
                }
            }
            let expected = keys.enumerated().sorted { ($0.element >> 32, $0.offset) < ($1.element >> 32, $1.offset) }.map { $0.element }
            #expect(stable == expected)
            #expect(whole == keys.sorted())
        }
    }
}

@Suite("Cylinder template storage form")
struct CylinderSerializationTests {
    @Test("round-trips to identical scores; damaged bytes are refused")
    func roundTrip() throws {
        let a = CylinderTemplate(minutiae: CylinderMatcherTests.print(35, seed: 11))
        let b = CylinderTemplate(minutiae: CylinderMatcherTests.print(42, seed: 12))
        let restored = try #require(CylinderTemplate(serialized: a.serialized))
        #expect(restored.count == a.count && restored.cylinders.map(\.bits) == a.cylinders.map(\.bits))
        let matcher = CylinderMatcher()
        #expect(matcher.score(restored, b) == matcher.score(a, b))
        #expect(matcher.score(restored, a) == matcher.score(a, a))
        #expect(CylinderTemplate(serialized: Array(a.serialized.dropLast())) == nil)
        #expect(CylinderTemplate(serialized: [1] + a.serialized.dropFirst()) == nil)   // the earlier, interleaved layout: rebuilt from the record
        #expect(CylinderTemplate(serialized: [3] + a.serialized.dropFirst()) == nil)
        #expect(CylinderTemplate(serialized: []) == nil)
    }
}

@Suite("Bit template kernels")
struct BitKernelsTests {
    /// Cylinders of random bits in both the default layout (4-word planes,
    /// the eight-word path) and an odd one (the word-by-word path).
    @Test("popcounts match a bit-by-bit count", arguments: [(4, 6), (3, 5)])
    func popcounts(planeWords: Int, sections: Int) {
        var rng = SplitMix64(state: 21)
        let bitWords = planeWords * sections
        func cylinder() -> [UInt64] {
            let mask = (0..<planeWords).map { _ in rng.next() }
            return (0..<bitWords).map { rng.next() & mask[$0 % planeWords] } + mask
        }
        let a = cylinder(), b = cylinder()
        func bit(_ c: [UInt64], _ word: Int, _ i: Int) -> Bool { c[word] >> UInt64(i) & 1 == 1 }
        var common = 0, onesA = 0, onesB = 0, differing = 0, xor = 0, onesInB = 0, differingInB = 0
        for k in 0..<sections {
            for w in 0..<planeWords {
                for i in 0..<64 {
                    let valid = bit(a, bitWords + w, i) && bit(b, bitWords + w, i)
                    let x = bit(a, k * planeWords + w, i), y = bit(b, k * planeWords + w, i)
                    xor += x != y ? 1 : 0
                    if bit(b, bitWords + w, i) {   // A restricted to B's mask
                        onesInB += x ? 1 : 0
                        differingInB += x != y ? 1 : 0
                    }
                    guard valid else { continue }
                    common += 1
                    onesA += x ? 1 : 0
                    onesB += y ? 1 : 0
                    differing += x != y ? 1 : 0
                }
            }
        }
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                let (pa, pb) = (pa.baseAddress!, pb.baseAddress!)
                #expect(BitKernels.xorCount(pa, pb, words: bitWords) == xor)
                let counts = BitKernels.commonMaskCounts(pa, pb, planeWords: planeWords, sections: sections)
                #expect(counts.common == common && counts.onesA == onesA && counts.onesB == onesB && counts.differing == differing)
                let masked = BitKernels.maskedCounts(pa, pb, mask: pb + bitWords, planeWords: planeWords, sections: sections)
                #expect(masked.ones == onesInB && masked.differing == differingInB)
            }
        }
    }
}
