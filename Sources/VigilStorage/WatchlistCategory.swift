/// Why a person is on the watchlist, as data: each category carries its own
/// face threshold, how many officers must confirm a hit and the action text
/// shown to the officer. Protective categories exist to help the person found
/// (missing persons, likely trafficking victims): a hit on them must lead to
/// protection, never to treating them as a suspect.
public struct WatchlistCategory: Sendable, Equatable, Codable {
    public var name: String
    public var description: String
    public var protective: Bool
    /// Minimum face score for a candidate in this category when it sets no
    /// `targetFpir` (experiments); fused scores need the evidence the
    /// threshold in force implies.
    public var matchThreshold: Float
    /// The share of travellers not on the watchlist that may be shown a
    /// candidate of this category per search (e.g. 0.01). The service turns
    /// it into a per-comparison threshold from the face calibration and the
    /// number of face templates searched, recomputed as the watchlist grows.
    public var targetFpir: Double?
    /// Officers who must confirm a hit (1, or 2 for the two-person rule).
    public var confirmations: Int
    /// What the officer is asked to do once a human has confirmed the match.
    public var action: String
    /// Need to know: the posts (their node tokens' names) that receive this
    /// category's entries; nil, every post. Headquarters never sends a
    /// post the entries of a category it is not cleared for.
    public var posts: [String]? = nil

    /// Whether `post` may hold this category's entries.
    public func clears(post: String) -> Bool { posts?.contains(post) ?? true }

    public init(name: String, description: String, protective: Bool, matchThreshold: Float, targetFpir: Double? = nil,
                confirmations: Int, action: String) {
        self.targetFpir = targetFpir
        self.name = name
        self.description = description
        self.protective = protective
        self.matchThreshold = matchThreshold
        self.confirmations = confirmations
        self.action = action
    }
}
