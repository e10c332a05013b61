import Synchronization

/// Splits the blocks of a set of segments into equal contiguous partitions,
/// one per scan thread, and scans one partition.
struct ScanPlan: Sendable {
    let segments: [Int8Segment]
    let bounds: [Int]          // partition p covers global blocks bounds[p]..<bounds[p+1]
    let firstBlock: [Int]      // global index of each segment's first block

    init(segments: [Int8Segment], partitions: Int) {
        self.segments = segments
        var first: [Int] = [], total = 0
        for segment in segments {
            first.append(total)
            total += segment.blockCount
        }
        firstBlock = first
        bounds = (0...partitions).map { total * $0 / partitions }
    }

    /// `widened` holds each probe's codes as Int32, the kernel's operand.
    func scan(partition: Int, probes: [QuantizedVector], widened: [[Int32]], dimension: Int, into collectors: inout [CandidateCollector]) {
        let range = bounds[partition]..<bounds[partition + 1]
        guard !range.isEmpty else { return }
        for (index, segment) in segments.enumerated() {
            let start = firstBlock[index], end = start + segment.blockCount
            let low = max(range.lowerBound, start), high = min(range.upperBound, end)
            guard low < high else { continue }
            scan(segment, blocks: low - start..<high - start, probes: probes, widened: widened, dimension: dimension, into: &collectors)
        }
    }

    private func scan(_ segment: Int8Segment, blocks: Range<Int>, probes: [QuantizedVector], widened: [[Int32]],
                      dimension: Int, into collectors: inout [CandidateCollector]) {
        let base = UnsafePointer(segment.codes.raw.assumingMemoryBound(to: Int8.self))
        let lanes = Int8Segment.lanes
        segment.scales.withUnsafeBufferPointer { scales in
            for block in blocks {
                let codes = base + block * segment.blockBytes
                let rows = min(lanes, segment.count - block * lanes)
                for p in probes.indices {
                    let acc = widened[p].withUnsafeBufferPointer { Int8Kernel.block(codes, $0.baseAddress!, dimension) }
                    let cutoff = collectors[p].cutoff
                    let probeScale = probes[p].scale
                    for lane in 0..<rows {
                        let row = block * lanes + lane
                        let score = Float(acc[lane]) * scales[row] * probeScale
                        if score >= cutoff {
                            collectors[p].offer(GalleryCandidate(subject: segment.subjects[row], template: segment.templates[row], score: score))
                        }
                    }
                }
            }
        }
    }
}

/// One result per partition (or per segment) of a pool's run, each slot
/// written by one thread only, read after the run.
final class PerPartition<Value: Sendable>: Sendable {
    private let slots: Mutex<[Value]>
    init(count: Int, initial: Value) { slots = Mutex([Value](repeating: initial, count: count)) }
    func update(_ slot: Int, _ change: (Value) -> Value) { slots.withLock { $0[slot] = change($0[slot]) } }
    var values: [Value] { slots.withLock { $0 } }
}

extension PerPartition where Value == TopCandidates? {
    /// The partitions' top lists of a finger search as one.
    func merged(limit: Int) -> TopCandidates {
        var all = TopCandidates(limit: limit)
        for top in values { if let top { all.merge(top) } }
        return all
    }
}
