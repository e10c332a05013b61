/// Up to `FingerIndex.segmentCapacity` enrolled fingers and their hash
/// tables, immutable once built (a change builds a new segment), so a
/// screening reads it without a lock while an enrolment builds the next.
///
/// Each table is a bucket directory (`CylinderHashing.buckets + 1` offsets,
/// the tables' directories end to end, each starting where the previous
/// ended) over the fingers' local numbers, each finger at most once per
/// bucket: 3 bytes per (finger, table, distinct bucket), its local number
/// and the cylinder that filed it, and 4 bytes per (bucket, table) shared
/// by the segment's fingers.
public final class FingerSegment: Sendable {
    public let fingers: [FingerIndex.Finger]
    let tables: Int
    /// `tables` directories of `buckets + 1` offsets into `entries`.
    let offsets: [UInt32]
    /// Local finger numbers, bucket by bucket, table by table.
    let entries: [UInt16]
    /// Beside each entry: which of the finger's cylinders filed it.
    let entryCylinders: [UInt8]
    /// Each finger's distinct keys over all tables: the length of its key
    /// vector, which its votes are divided by the square root of.
    let keyCounts: [UInt16]
    /// Each finger's position code and template id, beside `fingers`: the
    /// passes a screening makes over every finger read these bytes instead
    /// of copying a struct that holds a reference (a retain and a release
    /// each, which cost more than the votes at a million fingers).
    let positions: [UInt8]
    let templateIDs: [Int64]
    /// Each finger's cylinder count (clamped to 255, the most an ISO view
    /// holds): a comparison's cost grows with it, and the selection keeps
    /// the matcher's work within a budget (`FingerSearchPolicy.cylinderPairBudget`).
    let sizes: [UInt8]

    /// While the segment is the index's tail: each finger's filed keys, so
    /// the next enrolment rebuilds the tail without hashing its fingers again.
    /// Dropped once the segment is full (the memory stays with the tables).
    let filed: FiledKeys?

    /// Keys as `FiledKey`s, finger by finger, sorted within a finger.
    struct FiledKeys: Sendable {
        var keys: [UInt32] = []
        var starts: [Int] = [0]
    }

    var count: Int { fingers.count }

    /// `reusing`: the filed keys of a segment whose fingers begin this one's.
    /// A finger's `storedKeys` are filed when they open under `hashing`
    /// (its signature, well formed); every other finger is hashed.
    init(fingers: [FingerIndex.Finger], hashing: CylinderHashing, keepKeys: Bool, reusing previous: FiledKeys? = nil) {
        precondition(fingers.count <= Int(UInt16.max) + 1, "a segment numbers its fingers in 16 bits")
        precondition(CylinderHashing.bucketBits <= 16, "a filed key holds its bucket in 16 bits")
        self.fingers = fingers.map(\.withoutKeys)
        tables = hashing.tables
        let buckets = CylinderHashing.buckets
        var filed = previous.flatMap { $0.starts.count - 1 <= fingers.count ? $0 : nil } ?? FiledKeys()
        for finger in fingers[(filed.starts.count - 1)...] {
            // Opened here, segment by segment on every core, rather than
            // all at once by the caller: start-up holds only the stored bytes.
            filed.keys += hashing.storedKeys(finger.storedKeys, of: finger.cylinders) ?? hashing.filedKeys(of: finger.cylinders)
            filed.starts.append(filed.keys.count)
        }
        // A counting sort of (table, bucket) over all tables at once; fingers
        // are visited in order, so each bucket lists them ascending.
        func slot(_ key: UInt32) -> Int { Self.slot(table: FiledKey.table(key), bucket: FiledKey.bucket(key)) }
        var offsets = [UInt32](repeating: 0, count: hashing.tables * (buckets + 1))
        for key in filed.keys { offsets[slot(key) + 1] += 1 }
        for i in 1..<offsets.count { offsets[i] += offsets[i - 1] }
        var next = offsets
        var entries = [UInt16](repeating: 0, count: filed.keys.count)
        var entryCylinders = [UInt8](repeating: 0, count: filed.keys.count)
        var keyCounts = [UInt16](repeating: 0, count: fingers.count)
        for local in 0..<fingers.count {
            keyCounts[local] = UInt16(clamping: filed.starts[local + 1] - filed.starts[local])
            for key in filed.keys[filed.starts[local]..<filed.starts[local + 1]] {
                entries[Int(next[slot(key)])] = UInt16(local)
                entryCylinders[Int(next[slot(key)])] = UInt8(FiledKey.cylinder(key))
                next[slot(key)] += 1
            }
        }
        self.offsets = offsets
        self.entries = entries
        self.entryCylinders = entryCylinders
        self.keyCounts = keyCounts
        positions = fingers.map { FingerSegment.positionCode($0.position) }
        templateIDs = fingers.map(\.template)
        sizes = fingers.map { UInt8(clamping: $0.cylinders.count) }
        self.filed = keepKeys ? filed : nil
    }

    /// Bytes of the hash tables (what the index adds to the templates).
    var tableBytes: Int {
        offsets.count * MemoryLayout<UInt32>.stride + (entries.count + keyCounts.count) * MemoryLayout<UInt16>.stride
            + (entryCylinders.count + positions.count + sizes.count) * MemoryLayout<UInt8>.stride + templateIDs.count * MemoryLayout<Int64>.stride
            + (filed.map { $0.keys.count * MemoryLayout<UInt32>.stride + $0.starts.count * MemoryLayout<Int>.stride } ?? 0)
    }

    /// Where `bucket` of `table` starts in `offsets` (it ends at the next slot).
    static func slot(table: Int, bucket: UInt32) -> Int { table * (CylinderHashing.buckets + 1) + Int(bucket) }

    /// Fingers in the bucket of the probe's `index`-th key (cylinder-major, as `CylinderHashing` lists them).
    func bucketSize(_ bucket: UInt32, keyIndex index: Int) -> Int {
        let at = Self.slot(table: index % tables, bucket: bucket)
        return Int(offsets[at + 1] - offsets[at])
    }

    /// Adds each probe key's weight to every finger in its bucket.
    /// `votes` has this segment's `count` slots.
    func vote(_ probeBuckets: [UInt32], weights: [UInt16], into votes: UnsafeMutablePointer<UInt32>) {
        offsets.withUnsafeBufferPointer { offsets in
            entries.withUnsafeBufferPointer { entries in
                for (index, bucket) in probeBuckets.enumerated() where bucket != CylinderHashing.noKey && weights[index] > 0 {
                    let at = Self.slot(table: index % tables, bucket: bucket)
                    let weight = weights[index]
                    for e in Int(offsets[at])..<Int(offsets[at + 1]) {
                        votes[Int(entries[e])] &+= UInt32(weight)
                    }
                }
            }
        }
        normaliseVotes(votes)
    }

    /// Cosine normalisation (the probe's own length is the same for every
    /// finger): a finger with many keys collects more chance votes.
    func normaliseVotes(_ votes: UnsafeMutablePointer<UInt32>) {
        for local in 0..<count {
            votes[local] = UInt32(Float(votes[local]) * 16 / Float(max(1, keyCounts[local])).squareRoot())
        }
    }

    // MARK: Passes over the fingers, for one probe position

    /// Position codes as the segment holds them (ISO/IEC 19794-2 and ANSI/NIST
    /// codes all fit a byte; anything larger is kept apart from them as 255).
    static func positionCode(_ position: Int) -> UInt8 { UInt8(clamping: position) }

    /// Whether local finger `local` is compared with a probe at `position`
    /// (an unknown position on either side compares with everything).
    @inline(__always)
    func comparable(_ local: Int, with position: UInt8) -> Bool {
        position == 0 || positions[local] == 0 || positions[local] == position
    }

    /// Fingers a probe at `position` is compared with.
    func eligibleCount(at position: UInt8) -> Int {
        position == 0 ? count : positions.count { $0 == 0 || $0 == position }
    }

    /// The local numbers of the fingers a probe at `position` is compared with, offset by `start`.
    func eligible(at position: UInt8, start: Int) -> [Int] {
        (0..<count).compactMap { comparable($0, with: position) ? start + $0 : nil }
    }

    /// The highest of the eligible fingers' votes (this segment's `count` slots).
    func highestVote(_ votes: UnsafePointer<UInt32>, at position: UInt8) -> UInt32 {
        var highest: UInt32 = 0
        for local in 0..<count where comparable(local, with: position) { highest = max(highest, votes[local]) }
        return highest
    }

    /// Counts the eligible fingers by vote, and their cylinders as the
    /// work they bring the matcher (`histogram` reaches the highest vote).
    func tally(_ votes: UnsafePointer<UInt32>, at position: UInt8, into histogram: inout VoteHistogram) {
        for local in 0..<count where comparable(local, with: position) {
            histogram.add(vote: votes[local], work: Int(sizes[local]))
        }
    }

    /// A finger on the selection's cutoff: ties are broken by template id.
    struct TiedFinger {
        let template: Int64
        let index: Int
        let cylinders: Int
    }

    /// The eligible fingers voted above `cutoff`, and those on it, numbered from `start`.
    func voted(_ votes: UnsafePointer<UInt32>, at position: UInt8, above cutoff: UInt32, start: Int)
        -> (above: [Int], tied: [TiedFinger]) {
        var above: [Int] = [], tied: [TiedFinger] = []
        for local in 0..<count where votes[local] >= cutoff && comparable(local, with: position) {
            if votes[local] > cutoff {
                above.append(start + local)
            } else {
                tied.append(TiedFinger(template: templateIDs[local], index: start + local, cylinders: Int(sizes[local])))
            }
        }
        return (above, tied)
    }
}
