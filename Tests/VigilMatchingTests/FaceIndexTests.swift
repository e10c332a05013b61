import Testing
import VigilTestSupport
@testable import VigilMatching

/// The int8 index with exact rescoring must return exactly what a Float32
/// brute force returns: same subjects, same order, the same scores.
@Suite("Int8 face index: exact agreement with Float32")
struct FaceIndexTests {
    struct Fixture {
        var index: FaceIndex
        var rows: [(subject: Int64, template: Int64, vector: [Float])] = []
        var originals: [Int64: [Float]] = [:]

        init(dimension: Int = 128) throws { index = try FaceIndex(dimension: dimension) }

        mutating func add(_ subject: Int64, _ template: Int64, _ vector: [Float]) throws {
            try index.add([.init(subject: subject, template: template, vector: vector)])
            rows.append((subject, template, vector))
            originals[template] = try UnitVector.normalized(vector, dimension: vector.count)
        }

        func search(_ probe: [Float], limit: Int, threshold: Float, pool: ScanPool) throws -> [GalleryCandidate] {
            try index.candidates(for: probe, limit: limit, threshold: threshold, pool: pool)
                .rescored { originals[$0] }
        }

        func expected(_ probe: [Float], limit: Int, threshold: Float) throws -> [GalleryCandidate] {
            var gallery = try FaceGallery(dimension: probe.count)
            for row in rows { try gallery.add(template: row.template, subject: row.subject, vector: row.vector) }
            return try gallery.search(probe, limit: limit, threshold: threshold)
        }
    }

    @Test("random galleries, several thread counts, limits and thresholds",
          arguments: [(1, 1), (40, 2), (5_000, 1), (20_000, 2), (40_000, 3)])
    func random(count: Int, threads: Int) throws {
        var rng = SplitMix64(state: UInt64(count &* 7 &+ threads))
        var f = try Fixture()
        var batch: [FaceIndex.Template] = []
        for i in 0..<count {
            let v = randomVector(128, &rng)
            batch.append(.init(subject: Int64(i / 3), template: Int64(i), vector: v))
            f.rows.append((Int64(i / 3), Int64(i), v))
            f.originals[Int64(i)] = try UnitVector.normalized(v, dimension: 128)
        }
        try f.index.add(batch)
        #expect(f.index.count == count)
        let pool = ScanPool(threads: threads)
        for q in 0..<25 {
            // Half the probes are mated (a noisy copy of a stored vector), half random.
            let probe = q % 2 == 0 ? f.rows[(q * 7919) % count].vector.map { $0 + Float.random(in: -0.05...0.05, using: &rng) }
                                   : randomVector(128, &rng)
            for (limit, threshold) in [(1, Float(-1)), (10, -1), (10, 0.2), (50, 0.05)] {
                let got = try f.search(probe, limit: limit, threshold: threshold, pool: pool)
                let want = try f.expected(probe, limit: limit, threshold: threshold)
                #expect(got == want, "count \(count) threads \(threads) limit \(limit) threshold \(threshold)")
            }
        }
    }

    @Test("duplicates and exact ties rank by subject key, then template id")
    func duplicatesAndTies() throws {
        var f = try Fixture(dimension: 32)
        var rng = SplitMix64(state: 5)
        let v = randomVector(32, &rng)
        for subject in [Int64(40), 7, 19, 3, 25] { try f.add(subject, subject * 100, v) }
        try f.add(7, 1, v)   // same subject, lower template id
        for _ in 0..<50 { try f.add(Int64.random(in: 1000...2000, using: &rng), Int64.random(in: 10_000...99_999, using: &rng), randomVector(32, &rng)) }
        let pool = ScanPool(threads: 2)
        let got = try f.search(v, limit: 4, threshold: 0.5, pool: pool)
        #expect(got.map(\.subject) == [3, 7, 19, 25])
        #expect(got[1].template == 1)
        #expect(got == (try f.expected(v, limit: 4, threshold: 0.5)))
    }

    @Test("fewer templates than the limit; an empty index")
    func small() throws {
        var f = try Fixture(dimension: 16)
        let pool = ScanPool(threads: 2)
        let probe = [Float](repeating: 1, count: 16)
        #expect(try f.search(probe, limit: 10, threshold: -1, pool: pool).isEmpty)
        try f.add(1, 1, probe)
        try f.add(2, 2, (0..<16).map { Float($0) })
        #expect(try f.search(probe, limit: 10, threshold: -1, pool: pool) == (try f.expected(probe, limit: 10, threshold: -1)))
    }

    @Test("zero, NaN and wrong-size vectors are refused; the index is unchanged")
    func refused() throws {
        var index = try FaceIndex(dimension: 16)
        var nan = [Float](repeating: 1, count: 16); nan[2] = .nan
        #expect(throws: MatchingError.zeroVector) { try index.add([.init(subject: 1, template: 1, vector: [Float](repeating: 0, count: 16))]) }
        #expect(throws: MatchingError.nonFiniteValue) {
            try index.add([.init(subject: 1, template: 1, vector: [Float](repeating: 1, count: 16)), .init(subject: 2, template: 2, vector: nan)])
        }
        #expect(throws: MatchingError.dimensionMismatch(expected: 16, actual: 8)) { try index.add([.init(subject: 1, template: 1, vector: [Float](repeating: 1, count: 8))]) }
        #expect(index.count == 0)
        let pool = ScanPool(threads: 1)
        #expect(throws: MatchingError.nonFiniteValue) { try index.candidates(for: nan, limit: 1, threshold: 0, pool: pool) }
        #expect(throws: MatchingError.invalidLimit(0)) { try index.candidates(for: [Float](repeating: 1, count: 16), limit: 0, threshold: 0, pool: pool) }
    }

    @Test("a batch of probes gives the same answers as one probe at a time")
    func batch() throws {
        var rng = SplitMix64(state: 11)
        var f = try Fixture()
        for i in 0..<3_000 { try f.add(Int64(i), Int64(i), randomVector(128, &rng)) }
        let pool = ScanPool(threads: 2)
        let probes = (0..<6).map { _ in randomVector(128, &rng) }
        let together = try f.index.candidates(for: probes, limit: 10, threshold: -1, pool: pool).map { $0.rescored { f.originals[$0] } }
        for (p, probe) in probes.enumerated() {
            #expect(together[p] == (try f.search(probe, limit: 10, threshold: -1, pool: pool)))
        }
    }

    @Test("segments: growth past a segment, removal, and snapshots that do not change")
    func segmentsAndSnapshots() throws {
        var rng = SplitMix64(state: 3)
        var f = try Fixture(dimension: 16)
        let total = FaceIndex.segmentCapacity + 100
        var batch: [FaceIndex.Template] = []
        for i in 0..<total {
            let v = randomVector(16, &rng)
            batch.append(.init(subject: Int64(i % 1000), template: Int64(i), vector: v))
            f.rows.append((Int64(i % 1000), Int64(i), v))
            f.originals[Int64(i)] = try UnitVector.normalized(v, dimension: 16)
        }
        try f.index.add(Array(batch.prefix(10)))
        try f.index.add(Array(batch.dropFirst(10)))
        #expect(f.index.segments.count == 2)
        #expect(f.index.count == total)
        let snapshot = f
        f.index.remove(subject: 17)
        f.rows.removeAll { $0.subject == 17 }
        #expect(f.index.count == f.rows.count)
        #expect(f.rows.count < total)
        let pool = ScanPool(threads: 2)
        let probe = snapshot.rows.first { $0.subject == 17 }!.vector
        #expect(try f.search(probe, limit: 5, threshold: -1, pool: pool) == (try f.expected(probe, limit: 5, threshold: -1)))
        #expect(try f.search(probe, limit: 5, threshold: -1, pool: pool).allSatisfy { $0.subject != 17 })
        #expect(try snapshot.search(probe, limit: 1, threshold: -1, pool: pool).first?.subject == 17)
    }

    @Test("the storage form of a quantised vector round-trips; bad bytes are refused")
    func serialized() {
        var rng = SplitMix64(state: 2)
        let q = QuantizedVector(randomVector(128, &rng))
        #expect(QuantizedVector(serialized: q.serialized, dimension: 128) == q)
        #expect(QuantizedVector(serialized: Array(q.serialized.dropLast()), dimension: 128) == nil)
        #expect(QuantizedVector(serialized: [0, 0, 0xC0, 0x7F] + q.codes.map { UInt8(bitPattern: $0) }, dimension: 128) == nil)   // NaN scale
    }

    @Test("quantisation round-trips through segment rows")
    func rowsRoundTrip() throws {
        var rng = SplitMix64(state: 1)
        let rows = (0..<37).map { i in Int8Segment.Row(subject: Int64(i), template: Int64(i * 2), vector: QuantizedVector(randomVector(32, &rng))) }
        let segment = Int8Segment(dimension: 32, rows: rows)
        #expect(segment.rows() == rows)
        // Codes are padded to whole blocks of 16; per row: 4 (scale) + 8 (subject) + 8 (template id).
        #expect(segment.residentBytes == 3 * 16 * 32 + 37 * 20)
    }

    @Test("segments built from storage forms on every core equal those built row by row, a tail topped up first; bad forms are skipped")
    func storedForms() throws {
        var rng = SplitMix64(state: 3)
        let dimension = 32, capacity = FaceIndex.segmentCapacity
        let rows = (0..<(2 * capacity + 1_000)).map { i in
            Int8Segment.Row(subject: Int64(i / 2), template: Int64(i), vector: QuantizedVector(randomVector(dimension, &rng)))
        }
        let head = 100   // an existing tail segment with room
        var byRows = try FaceIndex(dimension: dimension), byForms = try FaceIndex(dimension: dimension)
        byRows.add(quantized: Array(rows))
        byForms.add(quantized: Array(rows.prefix(head)))
        var forms = rows.dropFirst(head).map { Int8Segment.StoredRow(subject: $0.subject, template: $0.template, serialized: $0.vector.serialized) }
        forms.insert(Int8Segment.StoredRow(subject: -1, template: -1, serialized: [1, 2, 3]), at: 5_000)
        byForms.add(stored: forms)
        #expect(byForms.segments.map(\.count) == byRows.segments.map(\.count))
        #expect(byForms.segments.flatMap { $0.rows() } == rows)
    }
}
