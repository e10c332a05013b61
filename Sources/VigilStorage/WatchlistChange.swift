import Foundation

/// One committed change to the watchlist, as the in-memory index must
/// follow it: templates that appeared and disappeared, and the version.
public struct WatchlistChange: Sendable {
    /// The version the change follows on from: an index at another version
    /// must catch up from the store instead of applying it.
    public var baseVersion: Int64 = 0
    public var version: Int64 = 0
    public var entryDelta = 0
    public var addedFaces: [StoredFaceTemplate] = []
    public var addedFingers: [StoredFingerTemplate] = []
    public var removedFaces: Set<Int64> = []
    public var removedFingers: Set<Int64> = []
    /// A category's settings changed: the index reloads them.
    public var categoriesChanged = false

    public init() {}

    package mutating func merge(_ other: WatchlistChange) {
        version = max(version, other.version)
        categoriesChanged = categoriesChanged || other.categoriesChanged
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

    // Package-wide: the storage backends are other modules.
    package init(kind: Kind, id: Int64, position: Int?, digest: String) {
        self.kind = kind
        self.id = id
        self.position = position
        self.digest = digest
    }
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

    // Package-wide: the storage backends are other modules.
    package init(version: Int64, action: WatchlistAction, subject: String, recordedAt: Date, details: EventDetails?) {
        self.version = version
        self.action = action
        self.subject = subject
        self.recordedAt = recordedAt
        self.details = details
    }
}

extension WatchlistChange {
    /// The templates this change added, as events name them.
    package var references: [TemplateReference] {
        addedFaces.map { TemplateReference(kind: .face, id: $0.id, position: nil, digest: $0.digest ?? "") }
            + addedFingers.map { TemplateReference(kind: .finger, id: $0.id, position: $0.position, digest: $0.digest ?? "") }
    }
}

extension WatchlistChange {
    /// The part of a catch-up the events alone give (from `version`
    /// exclusive to `newest` inclusive): entry count, erased templates,
    /// category changes. The backend adds the templates still stored.
    package init(following events: [WatchlistEvent], from version: Int64, to newest: Int64) {
        self.init()
        baseVersion = version
        self.version = newest
        for event in events {
            switch event.action {
            case .add: entryDelta += 1
            case .remove, .expire: entryDelta -= 1
            case .category: categoriesChanged = true
            case .update, .addSample, .removeSample, .reembed: break
            }
            for reference in event.details?.removed ?? [] {
                switch reference.kind {
                case .face: removedFaces.insert(reference.id)
                case .finger: removedFingers.insert(reference.id)
                }
            }
        }
    }
}
