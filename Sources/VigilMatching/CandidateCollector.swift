/// Collects, from approximate (int8) scores, a superset of the exact top-k:
/// every template whose approximate score is at least `threshold − ε` and
/// within `2ε` of the k-th best approximate subject. The k-th best only
/// rises during a scan, so the pool is pruned as it grows.
struct CandidateCollector {
    let limit: Int
    let minimum: Float
    let window: Float
    private(set) var top: TopCandidates
    private(set) var pool: [GalleryCandidate] = []

    init(limit: Int, threshold: Float, error: Float) {
        self.limit = limit
        minimum = threshold - error
        window = 2 * error
        top = TopCandidates(limit: limit)
    }

    /// Lowest approximate score that can still matter.
    var cutoff: Float { max(minimum, top.admissionScore - window) }

    mutating func offer(_ candidate: GalleryCandidate) {
        guard candidate.score >= cutoff else { return }
        pool.append(candidate)
        top.offer(candidate)
        if pool.count > 8 * limit + 256 { prune() }
    }

    mutating func merge(_ other: CandidateCollector) {
        top.merge(other.top)
        pool.append(contentsOf: other.pool)
        prune()
    }

    mutating func prune() {
        let cut = cutoff
        pool.removeAll { $0.score < cut }
    }
}
