import Foundation
import Testing
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
        #expect(!a.cylinders.isEmpty)
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

    @Test("too few minutiae give no cylinders and a zero score")
    func degenerate() {
        let lonely = CylinderTemplate(minutiae: [FingerMinutia(x: 100, y: 100, direction: 0)])
        #expect(lonely.cylinders.isEmpty)
        #expect(CylinderMatcher().score(lonely, CylinderTemplate(minutiae: Self.print(30, seed: 4))) == 0)
        #expect(CylinderTemplate(minutiae: []).cylinders.isEmpty)
    }
}

@Suite("Radix sort of pair keys")
struct RadixSortTests {
    @Test("orders like a stable sort on the high word, including ties")
    func matchesStableSort() {
        var rng = SplitMix64(state: 9)
        for size in [0, 1, 2, 17, 300, 1_000] {
            // Few distinct high words, so ties are common.
            let keys = (0..<size).map { UInt64(rng.next() % 50) << 32 | UInt64($0) }
            var sorted = keys, scratch: [UInt64] = []
            RadixSort.sortByHighWord(&sorted, scratch: &scratch)
            let expected = keys.enumerated().sorted { ($0.element >> 32, $0.offset) < ($1.element >> 32, $1.offset) }.map(\.element)
            #expect(sorted == expected)
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
        #expect(restored.cylinders.count == a.cylinders.count)
        let matcher = CylinderMatcher()
        #expect(matcher.score(restored, b) == matcher.score(a, b))
        #expect(matcher.score(restored, a) == matcher.score(a, a))
        #expect(CylinderTemplate(serialized: Array(a.serialized.dropLast())) == nil)
        #expect(CylinderTemplate(serialized: [2] + a.serialized.dropFirst()) == nil)
        #expect(CylinderTemplate(serialized: []) == nil)
    }
}
