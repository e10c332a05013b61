import Foundation
import VigilStorage

/// Headquarters' side of the post network: signed pages of watchlist changes.
extension ScreeningService {
    /// Pages hold at most this many events; a post asks again for the rest.
    public static let syncPageLimitRange = 1...maxPageSize
    /// The longest a post's request for changes is held.
    public static let maximumSyncWait: Duration = .seconds(30)

    /// The watchlist changes after `after` for the post `post`, signed with
    /// this deployment's audit key. Face templates travel as Float32
    /// originals (the post quantises them for its own index) with the
    /// recognizer that made them; finger templates as ISO records and
    /// cylinders; photos never.
    /// With `wait`, a request with nothing newer than `after` is held until
    /// a change commits (or `wait` passes): a post then has each change as
    /// it happens, without polling.
    /// `keepWaiting` ends the wait early (the daemon shutting down).
    public func syncPage(after: Int64, limit: Int, post: String, wait: Duration = .zero,
                         keepWaiting: @Sendable () -> Bool = { true }) async throws(VigilError) -> Data {
        guard after >= 0 else { throw VigilError(.invalidField, "after must be a version (0 or more)") }
        guard wait >= .zero, wait <= Self.maximumSyncWait else {
            throw VigilError(.invalidField, "wait is 0 to \(Self.maximumSyncWait.components.seconds) seconds")
        }
        guard Self.syncPageLimitRange.contains(limit) else {
            throw VigilError(.invalidField, "limit must be \(Self.syncPageLimitRange.lowerBound) to \(Self.syncPageLimitRange.upperBound)")
        }
        let deadline = ContinuousClock.now + wait
        // The index follows every commit (this node's at once, other nodes' within milliseconds).
        while index.withLock({ $0.version }) <= after, ContinuousClock.now < deadline, !Task.isCancelled, keepWaiting() {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let feed: FeedPage
        let categories: [WatchlistCategory]
        do {
            feed = try await store.feedPage(after: after, limit: limit)
            // Clearance as stored now, not as this node's index last saw it: a restriction takes effect at once.
            categories = try await store.categories()
        } catch {
            throw storageFailure(error, "sync page")
        }
        guard after <= feed.head else {
            throw VigilError(.invalidField, "version \(after) is ahead of headquarters' newest (\(feed.head)): this post was synced from another headquarters")
        }
        // Need to know: entries of a category this post is not cleared for never leave; the post is told to
        // erase them instead (it may hold them from before the category was restricted).
        let cleared = Set(categories.filter { $0.clears(post: post) }.map(\.name))
        let (sent, withheld) = (feed.entries.filter { cleared.contains($0.entry.category) }, feed.entries.filter { !cleared.contains($0.entry.category) })
        let page = WatchlistSyncPage(
            post: post, after: after, through: feed.through, head: feed.head, generatedAt: configuration.clock(),
            entries: sent.map { WatchlistBundle.Entry(feed: $0) }, removed: feed.removed + withheld.map(\.entry.id),
            categories: feed.categories?.filter { $0.clears(post: post) }.map { category in
                var shared = category
                shared.posts = nil
                return shared
            })
        // Who was sent which entries (not an audit record per empty poll).
        if !page.entries.isEmpty || !page.removed.isEmpty {
            let summary = "{\"after\":\(after),\"through\":\(page.through),\"entries\":\(page.entries.count),\"removed\":\(page.removed.count)}"
            do { _ = try await store.audit(AuditDraft(action: "sync.page", subject: post, result: summary)) } catch {
                throw storageFailure(error, "sync page record")
            }
        }
        let sealed = try SignedEnvelope.seal(page, format: WatchlistSyncPage.format, keys: keys)
        ServiceMetrics.syncPageServed(entries: page.entries.count, bytes: sealed.count)
        return sealed
    }

    /// The key posts check headquarters' pages with (`vigil sync public-key`).
    public var signingPublicKey: [UInt8] { keys.publicKey }
}
