import Dispatch
import Synchronization

/// The watchlist's face templates for 1:N search: int8 codes in immutable
/// copy-on-write segments (`Int8Segment`), scanned in parallel.
///
/// Concurrency: a `FaceIndex` is a value holding references to immutable
/// segments. A reader copies it (O(number of segments)) and scans without
/// locks. A change builds new segments (the tail segment with the added rows,
/// or the segments that lost a removed subject's rows) and never touches a
/// published one, so no screening sees a half-written template and no
/// screening waits for an import.
///
/// Exactness: the scan finds a candidate superset from int8 scores with a
/// rigorous error bound (`QueryBounds`); `CandidateSet.rescored` then
/// recomputes those candidates in Float32 from the stored originals, so the
/// final list equals a Float32 brute-force search.
public struct FaceIndex: Sendable {
    /// Rows per sealed segment: big enough that a query touches few segments,
    /// small enough that rebuilding the tail for one enrolment is cheap (~2 MB).
    public static let segmentCapacity = 16_384

    public let dimension: Int
    public private(set) var segments: [Int8Segment] = []

    public var count: Int { segments.reduce(0) { $0 + $1.count } }
    public var residentBytes: Int { segments.reduce(0) { $0 + $1.residentBytes } }

    public init(dimension: Int = 128) throws(MatchingError) {
        guard dimension > 0, dimension % Int8Segment.lanes == 0 else { throw .unsupportedDimension(dimension) }
        self.dimension = dimension
    }

    public struct Template: Sendable {
        public let subject: Int64
        public let template: Int64
        public let vector: [Float]
        public init(subject: Int64, template: Int64, vector: [Float]) {
            self.subject = subject
            self.template = template
            self.vector = vector
        }
    }

    /// Adds templates; each vector is validated, L2-normalised and quantised.
    /// All or nothing: an invalid vector leaves the index unchanged.
    public mutating func add(_ templates: [Template]) throws(MatchingError) {
        var rows: [Int8Segment.Row] = []
        rows.reserveCapacity(templates.count)
        for t in templates {
            let unit = try UnitVector.normalized(t.vector, dimension: dimension)
            rows.append(.init(subject: t.subject, template: t.template, vector: QuantizedVector(unit)))
        }
        add(quantized: rows)
    }

    /// Adds templates already in the stored int8 form (fast loading).
    public mutating func add(quantized rows: [Int8Segment.Row]) {
        guard !rows.isEmpty else { return }
        var pending = rows[...]
        if let tail = segments.last, tail.count < Self.segmentCapacity {
            let room = Self.segmentCapacity - tail.count
            segments[segments.count - 1] = Int8Segment(dimension: dimension, rows: tail.rows() + pending.prefix(room))
            pending = pending.dropFirst(room)
        }
        while !pending.isEmpty {
            segments.append(Int8Segment(dimension: dimension, rows: Array(pending.prefix(Self.segmentCapacity))))
            pending = pending.dropFirst(Self.segmentCapacity)
        }
    }

    /// Adds templates in their storage form (those that do not decode are
    /// skipped: check with `QuantizedVector.scale(ofSerialized:)`), building
    /// the new segments on every core: a node's start-up lays out a million
    /// templates here.
    public mutating func add(stored rows: [Int8Segment.StoredRow]) {
        let dimension = self.dimension
        let usable = rows.filter { QuantizedVector.scale(ofSerialized: $0.serialized, dimension: dimension) != nil }
        var pending = usable[...]
        if let tail = segments.last, tail.count < Self.segmentCapacity {
            // Topping up the tail rebuilds it row by row, as an enrolment does.
            let room = pending.prefix(Self.segmentCapacity - tail.count)
            add(quantized: room.map { Int8Segment.Row(subject: $0.subject, template: $0.template,
                                                      vector: QuantizedVector(serialized: $0.serialized, dimension: dimension)!) })
            pending = pending.dropFirst(room.count)
        }
        let starts = Array(stride(from: pending.startIndex, to: pending.endIndex, by: Self.segmentCapacity))
        let built = Mutex([Int8Segment?](repeating: nil, count: starts.count))
        DispatchQueue.concurrentPerform(iterations: starts.count) { [pending] index in
            let start = starts[index]
            let segment = Int8Segment(dimension: dimension, stored: pending[start..<min(pending.endIndex, start + Self.segmentCapacity)])
            built.withLock { $0[index] = segment }
        }
        segments.append(contentsOf: built.withLock { $0 }.compactMap { $0 })
    }

    /// Removes every template of `subject`.
    public mutating func remove(subject: Int64) {
        removeRows(touching: { $0.subjects.contains(subject) }, where: { $0.subject == subject })
    }

    /// Removes the templates with these ids.
    public mutating func remove(templates ids: Set<Int64>) {
        guard !ids.isEmpty else { return }
        removeRows(touching: { $0.templates.contains(where: ids.contains) }, where: { ids.contains($0.template) })
    }

    /// Rebuilds only the segments `touching` selects; other segments stay shared.
    private mutating func removeRows(touching: (Int8Segment) -> Bool, where doomed: (Int8Segment.Row) -> Bool) {
        for (index, segment) in segments.enumerated() where touching(segment) {
            segments[index] = Int8Segment(dimension: dimension, rows: segment.rows().filter { !doomed($0) })
        }
        segments.removeAll { $0.count == 0 }
    }

    // MARK: Search

    /// The candidate superset for one probe, scanned on `pool`'s threads.
    public func candidates(for probe: [Float], limit: Int, threshold: Float, pool: ScanPool) throws(MatchingError) -> CandidateSet {
        try candidates(for: [probe], limit: limit, threshold: threshold, pool: pool)[0]
    }

    /// Several probes in one pass over memory (bulk de-duplication): each
    /// block is loaded once and scored against every probe while in L1.
    public func candidates(for probes: [[Float]], limit: Int, threshold: Float, pool: ScanPool) throws(MatchingError) -> [CandidateSet] {
        guard limit > 0 else { throw .invalidLimit(limit) }
        let dimension = self.dimension
        let units = try probes.map { p throws(MatchingError) in try UnitVector.normalized(p, dimension: dimension) }
        let quantized = units.map(QuantizedVector.init)
        let widened = quantized.map { $0.codes.map(Int32.init) }
        let maxScale = segments.reduce(Float(0)) { max($0, $1.maxScale) }
        let errors = zip(units, quantized).map { QueryBounds(probe: $0, quantized: $1, maxGalleryScale: maxScale).error }
        let plan = ScanPlan(segments: segments, partitions: pool.threads)
        let results = PerPartition<[CandidateCollector]>(count: pool.threads, initial: [])
        pool.run { partition in
            var collectors = errors.map { CandidateCollector(limit: limit, threshold: threshold, error: $0) }
            plan.scan(partition: partition, probes: quantized, widened: widened, dimension: dimension, into: &collectors)
            results.update(partition) { _ in collectors }
        }
        let partials = results.values
        return (0..<probes.count).map { p in
            var merged = CandidateCollector(limit: limit, threshold: threshold, error: errors[p])
            for partial in partials { merged.merge(partial[p]) }
            return CandidateSet(probe: units[p], limit: limit, threshold: threshold, approximate: merged.pool)
        }
    }
}

/// The approximate candidates of one probe, to be rescored exactly.
public struct CandidateSet: Sendable {
    /// The probe, L2-normalised.
    public let probe: [Float]
    public let limit: Int
    public let threshold: Float
    /// Candidates with int8 scores; a superset of the exact answer.
    public let approximate: [GalleryCandidate]

    public var templateIDs: [Int64] { approximate.map(\.template) }

    /// The exact answer: every candidate rescored in Float32 against its
    /// stored unit vector, thresholded, one per subject, best first.
    /// A template whose original is missing is left out.
    public func rescored(exactVectors: (Int64) -> [Float]?) -> [GalleryCandidate] {
        var top = TopCandidates(limit: limit)
        for candidate in approximate {
            guard let vector = exactVectors(candidate.template), vector.count == probe.count else { continue }
            let score = FloatKernel.dot(probe, vector)
            guard score >= threshold else { continue }
            top.offer(GalleryCandidate(subject: candidate.subject, template: candidate.template, score: score))
        }
        return top.sorted()
    }
}
