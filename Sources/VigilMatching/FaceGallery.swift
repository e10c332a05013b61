/// Face templates in one contiguous row-major Float32 buffer, with the
/// subject (entry key) and template id of each row beside it: the `f32`
/// layout of the benchmark and the reference the int8 `FaceIndex` is tested
/// against.
///
/// A value type: a screening takes a copy (copy-on-write, O(1)) and scans it
/// without locks while enrolments change the next version.
public struct FaceGallery: Sendable {
    public static let simdWidth = 16

    public let dimension: Int
    private var vectors: [Float] = []
    private var subjects: [Int64] = []
    private var templates: [Int64] = []

    public var count: Int { subjects.count }
    public var subjectKeys: Set<Int64> { Set(subjects) }

    public init(dimension: Int = 128) throws(MatchingError) {
        guard dimension > 0, dimension % Self.simdWidth == 0 else { throw .unsupportedDimension(dimension) }
        self.dimension = dimension
    }

    /// Adds one template; the vector is validated and L2-normalised here.
    public mutating func add(template: Int64, subject: Int64, vector: [Float]) throws(MatchingError) {
        let unit = try UnitVector.normalized(vector, dimension: dimension)
        vectors.append(contentsOf: unit)
        subjects.append(subject)
        templates.append(template)
    }

    /// Removes every template of `subject`, keeping the other rows' order.
    public mutating func remove(subject: Int64) {
        guard subjects.contains(subject) else { return }
        var kept = 0
        for row in 0..<count where subjects[row] != subject {
            if kept != row {
                subjects[kept] = subjects[row]
                templates[kept] = templates[row]
                let from = row * dimension, to = kept * dimension
                for d in 0..<dimension { vectors[to + d] = vectors[from + d] }
            }
            kept += 1
        }
        subjects.removeLast(count - kept)
        templates.removeLast(templates.count - kept)
        vectors.removeLast(vectors.count - kept * dimension)
    }

    /// The best `limit` subjects whose best template scores at least
    /// `threshold` (cosine similarity), best first.
    public func search(_ probe: [Float], limit: Int, threshold: Float) throws(MatchingError) -> [GalleryCandidate] {
        guard limit > 0 else { throw .invalidLimit(limit) }
        let query = try UnitVector.normalized(probe, dimension: dimension)
        var top = TopCandidates(limit: limit)
        vectors.withUnsafeBufferPointer { rows in
            query.withUnsafeBufferPointer { q in
                for row in 0..<count {
                    let score = FloatKernel.dot(rows.baseAddress! + row * dimension, q.baseAddress!, dimension)
                    guard score >= threshold, score >= top.admissionScore else { continue }
                    top.offer(GalleryCandidate(subject: subjects[row], template: templates[row], score: score))
                }
            }
        }
        return top.sorted()
    }
}
