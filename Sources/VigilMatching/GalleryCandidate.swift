/// One gallery hit: the subject (watchlist entry key), the template that
/// produced the best score for it, and that score (cosine similarity).
public struct GalleryCandidate: Sendable, Equatable {
    public let subject: Int64
    public let template: Int64
    public let score: Float

    public init(subject: Int64, template: Int64, score: Float) {
        self.subject = subject
        self.template = template
        self.score = score
    }

    /// The one total order every result list uses: higher score first, then
    /// lower subject key, then lower template id, so equal scores rank the
    /// same on every run and every thread count.
    @inlinable
    public func ranksAhead(of other: GalleryCandidate) -> Bool {
        if score != other.score { return score > other.score }
        if subject != other.subject { return subject < other.subject }
        return template < other.template
    }
}
