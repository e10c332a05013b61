import Synchronization
import Testing
import VigilTestSupport
@testable import VigilMatching

/// A screening's snapshot must stay whole while the index changes: readers
/// search snapshots during concurrent additions and removals, and each
/// result must equal a brute force over exactly that snapshot's templates.
@Suite("Int8 face index under concurrent change")
struct ConcurrentIndexTests {
    final class Shared: Sendable {
        let index: Mutex<FaceIndex>
        let originals: [Int64: [Float]]
        init(index: FaceIndex, originals: [Int64: [Float]]) {
            self.index = Mutex(index)
            self.originals = originals
        }
    }

    @Test("snapshots searched during additions and removals are consistent")
    func readersDuringWrites() async throws {
        let dimension = 32, total = 6_000
        var rng = SplitMix64(state: 77)
        var originals: [Int64: [Float]] = [:]
        var templates: [FaceIndex.Template] = []
        for t in 0..<total {
            let v = try UnitVector.normalized(randomVector(dimension, &rng), dimension: dimension)
            originals[Int64(t)] = v
            templates.append(.init(subject: Int64(t / 2), template: Int64(t), vector: v))
        }
        let shared = Shared(index: try FaceIndex(dimension: dimension), originals: originals)
        let additions = templates
        let probes = (0..<8).map { _ in randomVector(dimension, &rng) }
        let pool = ScanPool(threads: 2)

        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                for batch in stride(from: 0, to: total, by: 250) {
                    let rows = Array(additions[batch..<min(total, batch + 250)])
                    try shared.index.withLock { try $0.add(rows) }
                    if batch % 1_000 == 0 { shared.index.withLock { $0.remove(subject: Int64(batch / 4)) } }
                    await Task.yield()
                }
                return 0
            }
            for reader in 0..<3 {
                group.addTask {
                    var checked = 0
                    for round in 0..<40 {
                        let snapshot = shared.index.withLock { $0 }
                        let probe = probes[(reader + round) % probes.count]
                        let got = try snapshot.candidates(for: probe, limit: 5, threshold: -1, pool: pool)
                            .rescored { shared.originals[$0] }
                        var reference = try FaceGallery(dimension: dimension)
                        for segment in snapshot.segments {
                            for row in segment.rows() {
                                try reference.add(template: row.template, subject: row.subject, vector: shared.originals[row.template]!)
                            }
                        }
                        #expect(got == (try reference.search(probe, limit: 5, threshold: -1)))
                        checked += 1
                        await Task.yield()
                    }
                    return checked
                }
            }
            var checked = 0
            for try await n in group { checked += n }
            #expect(checked == 120)
        }
        let final = shared.index.withLock { $0 }
        #expect(final.count == total - 2 * 6)   // six subjects of two templates removed
    }
}
