import Foundation

/// One committed change to the watchlist, as the in-memory index must
/// follow it: templates that appeared and disappeared, and the version.
public struct WatchlistChange: Sendable {
    public var version: Int64 = 0
    public var entryDelta = 0
    public var addedFaces: [StoredFaceTemplate] = []
    public var addedFingers: [StoredFingerTemplate] = []
    public var removedFaces: Set<Int64> = []
    public var removedFingers: Set<Int64> = []

    public init() {}

    mutating func merge(_ other: WatchlistChange) {
        version = max(version, other.version)
        entryDelta += other.entryDelta
        addedFaces += other.addedFaces
        addedFingers += other.addedFingers
        removedFaces.formUnion(other.removedFaces)
        removedFingers.formUnion(other.removedFingers)
    }
}

/// The kinds of watchlist event. Their raw values are stored.
public enum WatchlistAction: String, Sendable, Codable, CaseIterable {
    case add, update
    case addSample = "add_sample"
    case removeSample = "remove_sample"
    case remove, expire
    case category
    /// A face template rebuilt by another recognizer from its reference photo.
    case reembed
}

/// A template named in an event: enough to prove what was added or erased
/// (its digest) without holding the template.
public struct TemplateReference: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case face, finger }
    public let kind: Kind
    public let id: Int64
    /// ISO/IEC 19794-2 finger position code, for fingers.
    public let position: Int?
    public let digest: String

    public var sampleID: String { "\(kind.rawValue)-\(id)" }
}

/// What an event stores besides its action and entry id. No personal data:
/// names and document numbers live only in the entry row.
public struct EventDetails: Sendable, Equatable, Codable {
    public var category: String?
    public var expiresAt: Date?
    public var added: [TemplateReference] = []
    public var removed: [TemplateReference] = []
    /// Names of the fields an update changed.
    public var fields: [String] = []
    public var settings: WatchlistCategory?

    public init(category: String? = nil, expiresAt: Date? = nil) {
        self.category = category
        self.expiresAt = expiresAt
    }
}

/// One row of the watchlist's history.
public struct WatchlistEvent: Sendable, Equatable, Codable {
    public let version: Int64
    public let action: WatchlistAction
    /// The entry's id, or the category name for `category` events.
    public let subject: String
    public let recordedAt: Date
    public let details: EventDetails?
}

extension WatchlistChange {
    /// The templates this change added, as events name them.
    var references: [TemplateReference] {
        addedFaces.map { TemplateReference(kind: .face, id: $0.id, position: nil, digest: $0.digest ?? "") }
            + addedFingers.map { TemplateReference(kind: .finger, id: $0.id, position: $0.position, digest: $0.digest ?? "") }
    }
}
