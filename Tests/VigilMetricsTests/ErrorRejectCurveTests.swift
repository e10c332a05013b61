import Testing
import VigilMetrics

@Suite("Error versus reject characteristic")
struct ErrorRejectCurveTests {
    @Test("rejecting the lowest-quality sample removes its failed pairs; a useless quality leaves FNMR where it was")
    func rejectsLowestFirst() throws {
        // Samples 0...4; sample 0 is poor and fails both its genuine pairs.
        let genuine = [(0.1, 0, 1), (0.2, 0, 2), (0.9, 1, 2), (0.8, 3, 4)].map { ScoredPair(first: $1, second: $2, genuine: true, score: $0) }
            + [ScoredPair(first: 0, second: 3, genuine: false, score: 0.9)]   // impostor pairs do not count
        let useful = ErrorRejectCurve(pairs: genuine, quality: [5, 60, 70, 80, 90], threshold: 0.5, fractions: [0, 0.2])
        #expect(useful.points.map(\.rejected) == [0, 0.2])
        #expect(useful.points.map(\.fnmr) == [0.5, 0])
        #expect(useful.points.map(\.pairs) == [4, 2])
        // The same pairs with the good sample scored lowest: rejecting it drops a good pair, FNMR rises.
        let misleading = ErrorRejectCurve(pairs: genuine, quality: [90, 60, 70, 80, 5], threshold: 0.5, fractions: [0, 0.2])
        #expect(try #require(misleading.points.last).fnmr > misleading.points[0].fnmr)
    }

    @Test("ties at the cut are rejected together")
    func ties() {
        let pairs = [ScoredPair(first: 0, second: 1, genuine: true, score: 0.1), ScoredPair(first: 2, second: 3, genuine: true, score: 0.9)]
        let curve = ErrorRejectCurve(pairs: pairs, quality: [10, 10, 50, 50], threshold: 0.5, fractions: [0.25])
        #expect(curve.points[0].rejected == 0.5 && curve.points[0].pairs == 1 && curve.points[0].fnmr == 0)
    }
}
