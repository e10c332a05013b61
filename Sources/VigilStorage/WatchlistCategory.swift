/// Why a person is on the watchlist, as data: each category carries its own
/// face threshold, how many officers must confirm a hit and the action text
/// shown to the officer. Protective categories exist to help the person found
/// (missing persons, likely trafficking victims): a hit on them must lead to
/// protection, never to treating them as a suspect.
public struct WatchlistCategory: Sendable, Equatable, Codable {
    public var name: String
    public var description: String
    public var protective: Bool
    /// Minimum face score (cosine) for a candidate in this category; fused
    /// scores need the evidence this threshold implies.
    public var matchThreshold: Float
    /// Officers who must confirm a hit (1, or 2 for the two-person rule).
    public var confirmations: Int
    /// What the officer is asked to do once a human has confirmed the match.
    public var action: String

    public init(name: String, description: String, protective: Bool, matchThreshold: Float, confirmations: Int, action: String) {
        self.name = name
        self.description = description
        self.protective = protective
        self.matchThreshold = matchThreshold
        self.confirmations = confirmations
        self.action = action
    }
}
