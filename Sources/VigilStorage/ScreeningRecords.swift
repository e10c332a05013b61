import Foundation

/// One officer's decision on one candidate of a screening.
public struct Adjudication: Sendable, Codable, Equatable {
    public let entryId: UUID
    public let officerId: String
    /// `confirmed`, `not_a_match` or `inconclusive`.
    public let outcome: String
    public let postToken: String
    public let recordedAt: Date

    public init(entryId: UUID, officerId: String, outcome: String, postToken: String, recordedAt: Date) {
        self.entryId = entryId
        self.officerId = officerId
        self.outcome = outcome
        self.postToken = postToken
        self.recordedAt = recordedAt
    }
}

/// A screening as stored, with its adjudications.
public struct StoredScreening: Sendable {
    public let id: UUID
    public let recordedAt: Date
    /// The post token that submitted it (nil from the CLI).
    public let postToken: String?
    /// That token's name: the post id, which the post's other tokens (one
    /// per officer, if it chooses) share.
    public let post: String?
    public let resultJSON: String
    public let adjudications: [Adjudication]

    // Package-wide: the storage backends are other modules.
    package init(id: UUID, recordedAt: Date, postToken: String?, post: String?, resultJSON: String, adjudications: [Adjudication]) {
        self.id = id
        self.recordedAt = recordedAt
        self.postToken = postToken
        self.post = post
        self.resultJSON = resultJSON
        self.adjudications = adjudications
    }
}
