import Dispatch
import Synchronization
import VigilMatching

/// Reference searches on the Float32 originals.
enum BruteForce {
    /// Exact rank-1 (ties to the lower index) of each probe, 16 probes per
    /// pass over memory, partitions on the pool's threads.
    static func rank1(_ probes: [[Float]], data: SyntheticGallery, pool: ScanPool) -> [Int64?] {
        let units = probes.map { p -> [Float] in
            let norm = p.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return p.map { $0 / norm }
        }
        let answers = Mutex([Int64?](repeating: nil, count: probes.count))
        let batch = 16
        for first in stride(from: 0, to: units.count, by: batch) {
            let group = Array(units[first..<min(units.count, first + batch)])
            let best = Mutex([(score: Float, row: Int)](repeating: (-.infinity, -1), count: group.count))
            data.vectors.withUnsafeBufferPointer { rows in
                let address = UInt(bitPattern: rows.baseAddress!)
                pool.run { partition in
                    let base = UnsafePointer<Float>(bitPattern: address)!
                    let lo = data.count * partition / pool.threads, hi = data.count * (partition + 1) / pool.threads
                    var local = [(score: Float, row: Int)](repeating: (-.infinity, -1), count: group.count)
                    for row in lo..<hi {
                        let v = base + row * data.dimension
                        for (p, probe) in group.enumerated() {
                            let s = probe.withUnsafeBufferPointer { FloatKernel.dot(v, $0.baseAddress!, data.dimension) }
                            if s > local[p].score { local[p] = (s, row) }
                        }
                    }
                    best.withLock { best in
                        for p in local.indices where local[p].score > best[p].score || (local[p].score == best[p].score && local[p].row < best[p].row) {
                            best[p] = local[p]
                        }
                    }
                }
            }
            best.withLock { best in
                answers.withLock { answers in
                    for p in best.indices { answers[first + p] = best[p].row >= 0 ? Int64(best[p].row) : nil }
                }
            }
        }
        return answers.withLock { $0 }
    }

    /// The baseline: a plain scalar Float32 loop on one thread (strict
    /// floating-point order, so the compiler does not vectorise it).
    static func scalarVectorsPerSecond(_ probes: [[Float]], data: SyntheticGallery) -> Double {
        var elapsed: UInt64 = 0
        var sink: Float = 0
        data.vectors.withUnsafeBufferPointer { rows in
            for probe in probes {
                let start = DispatchTime.now().uptimeNanoseconds
                var best = -Float.infinity
                for row in 0..<data.count {
                    var s: Float = 0
                    for d in 0..<data.dimension { s += rows[row * data.dimension + d] * probe[d] }
                    best = max(best, s)
                }
                sink += best
                elapsed += DispatchTime.now().uptimeNanoseconds - start
            }
        }
        blackHole(sink)
        return Double(data.count * probes.count) / (Double(elapsed) / 1e9)
    }
}

/// Keeps a computed value observable so the work producing it is not optimised away.
@inline(never)
func blackHole<T>(_ value: T) {}
