import Foundation
import VigilStorage

/// One page of headquarters' watchlist changes as it travels to a post
/// (`GET /v1/sync/watchlist?after=V`), inside a `SignedEnvelope` of format
/// `vigil-sync-page/1` signed with headquarters' audit key.
///
/// The chain: a page covers the versions (after, through]; a post applies
/// it only when it stands at exactly `after`, and then stands at `through`.
/// A replayed page (its `after` is behind the post), a skipped one (ahead)
/// or one made for another post changes nothing.
public struct WatchlistSyncPage: Codable, Sendable {
    static let format = "vigil-sync-page/1"

    /// The node token's name the page was cut for (its clearance).
    public let post: String
    public let after: Int64
    public let through: Int64
    /// Headquarters' newest version when the page was cut: `head - through`
    /// is how far behind the post still is.
    public let head: Int64
    public let generatedAt: Date
    /// Entries the post must hold as given (replacing what it has under the same id).
    public let entries: [WatchlistBundle.Entry]
    /// Entries the post must erase: removed, expired, or moved out of the
    /// categories it is cleared for.
    public let removed: [UUID]
    /// Every category the post is cleared for, when any category changed.
    public let categories: [WatchlistCategory]?
}
