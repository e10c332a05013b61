import Foundation

/// One page of the watchlist's history as headquarters sends it to posts:
/// what changed after `after`, up to `through`, read in one snapshot.
///
/// Entries are sent whole (details and every template), not as the events
/// that changed them, so a post applies a page by replacing what it holds.
/// An entry changed again after `through` is left for the page that covers
/// that change, so a post never holds a state newer than its version says.
public struct FeedPage: Sendable {
    public let after: Int64
    /// The last version this page covers: the post's version once applied.
    public let through: Int64
    /// Headquarters' newest version when the page was read.
    public let head: Int64
    public let entries: [FeedEntry]
    /// Entries removed or expired in (after, through].
    public let removed: [UUID]
    /// Every category, when one changed in (after, through]; else nil.
    public let categories: [WatchlistCategory]?

    package init(after: Int64, through: Int64, head: Int64, entries: [FeedEntry], removed: [UUID], categories: [WatchlistCategory]?) {
        self.after = after
        self.through = through
        self.head = head
        self.entries = entries
        self.removed = removed
        self.categories = categories
    }
}

/// Where a page ends and what it carries, from the events after `after`
/// (at most `limit`, in version order) and the entries they name as now
/// stored: the one rule both backends follow.
package struct FeedCut {
    package let after: Int64
    package let head: Int64
    package let through: Int64
    /// The named entries to send: those not changed again after `through`.
    package let kept: [StoredEntry]
    package let removed: [UUID]
    package let categoriesChanged: Bool

    package init(after: Int64, head: Int64, limit: Int, events: [WatchlistEvent], entries: [StoredEntry]) {
        self.after = after
        self.head = head
        through = events.count < limit ? head : (events.last?.version ?? head)
        let entries = Dictionary(entries.map { ($0.key, $0) }) { first, _ in first }.values
        let stored = Set(entries.map(\.id.uuidString))
        // An entry changed again after `through` waits for the page of that change.
        kept = entries.filter { [through] in $0.updatedVersion <= through }.sorted { $0.key < $1.key }
        removed = Set(events.filter { $0.action == .remove || $0.action == .expire }.map(\.subject))
            .filter { !stored.contains($0) }.compactMap(UUID.init(uuidString:)).sorted { $0.uuidString < $1.uuidString }
        categoriesChanged = events.contains { $0.action == .category }
    }

    /// The entry ids the events name (categories aside): what to read.
    package static func entryIDs(_ events: [WatchlistEvent]) -> [String] {
        Array(Set(events.filter { $0.action != .category }.map(\.subject))).sorted()
    }

    /// Categories changed in the page: their entries are all sent again, so
    /// a post newly cleared for one receives what it holds (and one no
    /// longer cleared is told to erase it).
    package static func changedCategories(_ events: [WatchlistEvent]) -> [String] {
        Array(Set(events.filter { $0.action == .category }.map(\.subject))).sorted()
    }

    package func page(faces: [Int64: [FeedFace]], fingers: [Int64: [StoredFingerTemplate]],
                      categories: [WatchlistCategory]?) -> FeedPage {
        FeedPage(after: after, through: through, head: head,
                 entries: kept.map { FeedEntry(entry: $0, faces: faces[$0.key] ?? [], fingers: fingers[$0.key] ?? []) },
                 removed: removed, categories: categoriesChanged ? categories : nil)
    }
}

/// An entry as a post receives it: its details and all its templates.
public struct FeedEntry: Sendable {
    public let entry: StoredEntry
    public let faces: [FeedFace]
    public let fingers: [StoredFingerTemplate]
}

/// A face template's Float32 original and the recognizer that made it.
public struct FeedFace: Sendable {
    public let model: String
    public let vector: [Float]

    package init(model: String, vector: [Float]) {
        self.model = model
        self.vector = vector
    }
}

/// Where a post's watchlist stands against headquarters'.
public struct UpstreamState: Sendable, Equatable {
    /// The headquarters version the post's watchlist is at (0: never synced).
    public let version: Int64
    /// When a sync last completed (a page applied, or nothing to apply).
    public let syncedAt: Date?

    package init(version: Int64, syncedAt: Date?) {
        self.version = version
        self.syncedAt = syncedAt
    }
}

/// A verified page, ready to apply at a post: entries keep headquarters' ids.
public struct ReplicaPage: Sendable {
    public struct Entry: Sendable {
        public let id: UUID
        public let details: EntryDetails
        public let faces: [NewFaceTemplate]
        public let fingers: [NewFingerTemplate]

        public init(id: UUID, details: EntryDetails, faces: [NewFaceTemplate], fingers: [NewFingerTemplate]) {
            self.id = id
            self.details = details
            self.faces = faces
            self.fingers = fingers
        }
    }

    public let after: Int64
    public let through: Int64
    public let entries: [Entry]
    public let removed: [UUID]
    public let categories: [WatchlistCategory]?

    public init(after: Int64, through: Int64, entries: [Entry], removed: [UUID], categories: [WatchlistCategory]?) {
        self.after = after
        self.through = through
        self.entries = entries
        self.removed = removed
        self.categories = categories
    }
}

/// A store that can hold a copy of headquarters' watchlist (a post). The
/// post's own versions keep counting its own changes (its audit replay
/// uses them); `UpstreamState.version` says which headquarters version
/// the copy is at.
public protocol WatchlistReplica: Sendable {
    func upstreamState() async throws(StorageError) -> UpstreamState
    /// Applies a page in one transaction, with the new upstream version:
    /// refused with `StorageError.upstreamOutOfSequence` unless the store is
    /// at `page.after`, so a replayed or skipped page changes nothing.
    func applyUpstream(_ page: ReplicaPage, at date: Date,
                       afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> UpstreamState
    /// Records a sync that found nothing new.
    func markSynced(at date: Date) async throws(StorageError)
}
