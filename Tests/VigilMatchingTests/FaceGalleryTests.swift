import Testing
@testable import VigilMatching
import VigilTestSupport

func randomVector(_ dimension: Int, _ rng: inout SplitMix64) -> [Float] {
    (0..<dimension).map { _ in Float.random(in: -1...1, using: &rng) }
}

/// Brute force in Double: the reference the SIMD scan must agree with.
func reference(_ rows: [(subject: Int64, template: Int64, vector: [Float])], probe: [Float], limit: Int, threshold: Float) -> [GalleryCandidate] {
    let q = try! UnitVector.normalized(probe, dimension: probe.count)
    var best: [Int64: GalleryCandidate] = [:]
    for row in rows {
        let v = try! UnitVector.normalized(row.vector, dimension: row.vector.count)
        let score = Float(zip(v, q).reduce(0.0) { $0 + Double($1.0) * Double($1.1) })
        guard score >= threshold else { continue }
        let candidate = GalleryCandidate(subject: row.subject, template: row.template, score: score)
        if let current = best[row.subject], !candidate.ranksAhead(of: current) { continue }
        best[row.subject] = candidate
    }
    return Array(best.values.sorted { $0.ranksAhead(of: $1) }.prefix(limit))
}

@Suite("Face gallery search")
struct FaceGalleryTests {
    @Test("agrees with a brute-force reference", arguments: [(1, 5), (50, 10), (1000, 10), (3000, 1), (257, 300)])
    func agreesWithReference(count: Int, limit: Int) throws {
        var rng = SplitMix64(state: UInt64(count * 31 + limit))
        var gallery = try FaceGallery(dimension: 128)
        var rows: [(Int64, Int64, [Float])] = []
        for i in 0..<count {
            let subject = Int64(i / 2)   // two templates per subject
            let vector = randomVector(128, &rng)
            try gallery.add(template: Int64(i), subject: subject, vector: vector)
            rows.append((subject, Int64(i), vector))
        }
        for _ in 0..<20 {
            let probe = randomVector(128, &rng)
            let got = try gallery.search(probe, limit: limit, threshold: -1)
            let want = reference(rows.map { ($0.0, $0.1, $0.2) }, probe: probe, limit: limit, threshold: -1)
            #expect(got.map(\.subject) == want.map(\.subject))
            for (g, w) in zip(got, want) { #expect(abs(g.score - w.score) < 1e-5) }
        }
    }

    @Test("a mated probe finds its subject first")
    func matedProbe() throws {
        var rng = SplitMix64(state: 7)
        var gallery = try FaceGallery(dimension: 128)
        var vectors: [[Float]] = []
        for i in 0..<500 {
            let v = randomVector(128, &rng)
            vectors.append(v)
            try gallery.add(template: Int64(i), subject: Int64(i), vector: v)
        }
        let noisy = vectors[123].map { $0 + Float.random(in: -0.1...0.1, using: &rng) }
        let result = try gallery.search(noisy, limit: 3, threshold: 0.5)
        #expect(result.first?.subject == 123)
        #expect(result.count == 1)
    }

    @Test("equal scores rank by subject key, then template id")
    func tiesAreDeterministic() throws {
        var gallery = try FaceGallery(dimension: 16)
        let v = [Float](repeating: 1, count: 16)
        for subject in [Int64(9), 3, 7, 1] { try gallery.add(template: subject * 10, subject: subject, vector: v) }
        try gallery.add(template: 5, subject: 3, vector: v)   // same subject, lower template id
        let result = try gallery.search(v, limit: 3, threshold: 0)
        #expect(result.map(\.subject) == [1, 3, 7])
        #expect(result[1].template == 5)
    }

    @Test("one result per subject: its best template")
    func bestTemplatePerSubject() throws {
        var gallery = try FaceGallery(dimension: 16)
        var near = [Float](repeating: 0, count: 16); near[0] = 1
        var far = [Float](repeating: 0, count: 16); far[1] = 1
        try gallery.add(template: 1, subject: 42, vector: far)
        try gallery.add(template: 2, subject: 42, vector: near)
        let result = try gallery.search(near, limit: 5, threshold: -1)
        #expect(result.count == 1)
        #expect(result[0].template == 2)
        #expect(abs(result[0].score - 1) < 1e-6)
    }

    @Test("fewer entries than the limit, and an empty gallery")
    func smallGalleries() throws {
        var gallery = try FaceGallery(dimension: 16)
        let v = [Float](repeating: 0.5, count: 16)
        #expect(try gallery.search(v, limit: 10, threshold: -1).isEmpty)
        try gallery.add(template: 1, subject: 1, vector: v)
        #expect(try gallery.search(v, limit: 10, threshold: -1).count == 1)
    }

    @Test("the threshold excludes weaker candidates")
    func thresholdFilters() throws {
        var gallery = try FaceGallery(dimension: 16)
        var a = [Float](repeating: 0, count: 16); a[0] = 1
        var b = [Float](repeating: 0, count: 16); b[0] = 1; b[1] = 1   // cosine with a: 0.7071
        try gallery.add(template: 1, subject: 1, vector: a)
        try gallery.add(template: 2, subject: 2, vector: b)
        #expect(try gallery.search(a, limit: 5, threshold: 0.8).map(\.subject) == [1])
        #expect(try gallery.search(a, limit: 5, threshold: 0.7).map(\.subject) == [1, 2])
    }

    @Test("invalid vectors are refused and leave the gallery unchanged")
    func invalidVectors() throws {
        var gallery = try FaceGallery(dimension: 16)
        var nan = [Float](repeating: 1, count: 16); nan[3] = .nan
        var infinite = [Float](repeating: 1, count: 16); infinite[0] = .infinity
        #expect(throws: MatchingError.nonFiniteValue) { try gallery.add(template: 1, subject: 1, vector: nan) }
        #expect(throws: MatchingError.nonFiniteValue) { try gallery.add(template: 1, subject: 1, vector: infinite) }
        #expect(throws: MatchingError.zeroVector) { try gallery.add(template: 1, subject: 1, vector: [Float](repeating: 0, count: 16)) }
        #expect(throws: MatchingError.dimensionMismatch(expected: 16, actual: 15)) {
            try gallery.add(template: 1, subject: 1, vector: [Float](repeating: 1, count: 15))
        }
        #expect(gallery.count == 0)
        #expect(throws: MatchingError.nonFiniteValue) { try gallery.search(nan, limit: 1, threshold: 0) }
        #expect(throws: MatchingError.invalidLimit(0)) { try gallery.search([Float](repeating: 1, count: 16), limit: 0, threshold: 0) }
        #expect(throws: MatchingError.unsupportedDimension(100)) { try FaceGallery(dimension: 100) }
    }

    @Test("removing a subject removes all its templates and keeps the others")
    func removal() throws {
        var rng = SplitMix64(state: 99)
        var gallery = try FaceGallery(dimension: 32)
        var vectors: [Int64: [Float]] = [:]
        for t in 0..<30 {
            let v = randomVector(32, &rng)
            vectors[Int64(t)] = v
            try gallery.add(template: Int64(t), subject: Int64(t % 5), vector: v)
        }
        gallery.remove(subject: 2)
        #expect(gallery.count == 24)
        #expect(!gallery.subjectKeys.contains(2))
        for (template, v) in vectors {
            let top = try gallery.search(v, limit: 1, threshold: -1)[0]
            if template % 5 == 2 { #expect(top.subject != 2) } else { #expect(top.template == template) }
        }
    }

    @Test("a snapshot is unaffected by later changes")
    func snapshotsAreValues() throws {
        var gallery = try FaceGallery(dimension: 16)
        let v = [Float](repeating: 1, count: 16)
        try gallery.add(template: 1, subject: 1, vector: v)
        let snapshot = gallery
        try gallery.add(template: 2, subject: 2, vector: v)
        gallery.remove(subject: 1)
        #expect(try snapshot.search(v, limit: 5, threshold: 0).map(\.subject) == [1])
        #expect(try gallery.search(v, limit: 5, threshold: 0).map(\.subject) == [2])
    }
}
