/// Keeps the best `limit` candidates with at most one per subject (its best
/// template). Limits are small (tens), so a flat array with a tracked worst
/// slot beats a heap: inserts are rare once it is full, and membership by
/// subject is a short linear scan.
public struct TopCandidates: Sendable {
    public let limit: Int
    private var items: [GalleryCandidate] = []
    private var worst = 0

    public init(limit: Int) {
        self.limit = limit
        items.reserveCapacity(limit)
    }

    /// Whether `score` could enter the list; lets hot loops skip `offer`.
    public var admissionScore: Float {
        items.count < limit ? -.infinity : floorScore
    }

    var floorScore: Float { items[worst].score }

    public mutating func offer(_ candidate: GalleryCandidate) {
        if let same = items.firstIndex(where: { $0.subject == candidate.subject }) {
            guard candidate.ranksAhead(of: items[same]) else { return }
            items[same] = candidate
        } else if items.count < limit {
            items.append(candidate)
        } else {
            guard candidate.ranksAhead(of: items[worst]) else { return }
            items[worst] = candidate
        }
        worst = items.indices.min { items[$1].ranksAhead(of: items[$0]) } ?? 0
    }

    /// Merges another partition's list into this one.
    public mutating func merge(_ other: TopCandidates) {
        for candidate in other.items { offer(candidate) }
    }

    /// Best first, in the total order of `GalleryCandidate.ranksAhead`.
    public func sorted() -> [GalleryCandidate] {
        items.sorted { $0.ranksAhead(of: $1) }
    }
}
