import Foundation

/// A watchlist entry as stored.
public struct StoredEntry: Sendable, Equatable {
    /// Dense integer key used by the matching core.
    public let key: Int64
    /// Pseudonymous public id.
    public let id: UUID
    public let name: String
    public let category: String
    public let createdAt: Date
    public let createdVersion: Int64
}

/// One face template: an L2-normalised Float32 vector.
public struct StoredFaceTemplate: Sendable, Equatable {
    public let id: Int64
    public let entryKey: Int64
    public let vector: [Float]
}

/// Everything needed to rebuild the in-memory watchlist index.
public struct WatchlistContents: Sendable {
    public let version: Int64
    public let entries: [StoredEntry]
    public let faceTemplates: [StoredFaceTemplate]
}

public struct NewEntry: Sendable {
    public let name: String
    public let category: String
    public let faceVectors: [[Float]]

    public init(name: String, category: String, faceVectors: [[Float]]) {
        self.name = name
        self.category = category
        self.faceVectors = faceVectors
    }
}

public struct EnrolledEntry: Sendable {
    public let entry: StoredEntry
    public let faceTemplates: [StoredFaceTemplate]
    public var version: Int64 { entry.createdVersion }
}

public struct ScreeningRecord: Sendable {
    public let id: UUID
    public let recordedAt: Date
    public let watchlistVersion: Int64
    public let decision: String
    public let faceCount: Int
    /// JSON of the result shown to the post (no biometric data).
    public let resultJSON: String

    public init(id: UUID, recordedAt: Date, watchlistVersion: Int64, decision: String, faceCount: Int, resultJSON: String) {
        self.id = id
        self.recordedAt = recordedAt
        self.watchlistVersion = watchlistVersion
        self.decision = decision
        self.faceCount = faceCount
        self.resultJSON = resultJSON
    }
}

/// Row counts, for health reports and for tests that prove nothing changed.
public struct StoreCounts: Sendable, Equatable {
    public let entries: Int
    public let faceTemplates: Int
    public let events: Int
    public let screenings: Int
}
