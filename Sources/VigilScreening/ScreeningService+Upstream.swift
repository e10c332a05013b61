import Foundation
import VigilMatching
import VigilStorage

/// Where a post stands against headquarters, for health and screenings.
public struct UpstreamStatus: Sendable, Codable, Equatable {
    /// The last attempt to reach headquarters succeeded.
    public var connected = false
    /// When the post last completed a sync (nil: never).
    public var lastSync: Date?
    /// The headquarters version the post's watchlist is at.
    public var version: Int64 = 0
    /// Headquarters' newest version at the last contact, less `version`.
    public var versionsBehind: Int64 = 0
    /// Why the last attempt failed (a stable code), when it did, and the
    /// detail (e.g. which record headquarters refused).
    public var lastError: String?
    public var lastErrorMessage: String?
    /// The post's own audit records headquarters has acknowledged (stores).
    public var recordsAcknowledged: Int64 = 0
    /// Why the last upload of records failed, when it did (e.g.
    /// `chain_broken`, with the record headquarters refused in the message).
    public var recordsError: String?
    public var recordsErrorMessage: String?
}

/// A post's side of the network: verifying and applying headquarters' pages.
extension ScreeningService {
    /// The post's state, or nil when this node is not a post.
    public var upstreamStatus: UpstreamStatus? { upstream.withLock { $0 } }

    /// Whether screenings must say the watchlist may be out of date.
    func watchlistFreshness(now: Date) -> (syncedAt: Date?, stale: Bool?) {
        guard let status = upstreamStatus else { return (nil, nil) }
        let stale = status.lastSync.map { now.timeIntervalSince($0) > configuration.upstreamStaleAfter } ?? true
        return (status.lastSync, stale)
    }

    /// Verifies a page from headquarters against `upstreamKey` and applies
    /// it in one transaction. Refused, with nothing changed: a signature
    /// that does not verify (`forbidden`), a page that does not start at
    /// this post's version (`sync_out_of_sequence`: replayed or skipped).
    /// Returns how far behind headquarters the post still is.
    @discardableResult
    public func applySyncPage(_ file: Data, upstreamKey: [UInt8]) async throws(VigilError) -> UpstreamStatus {
        guard let replica = store as? any WatchlistReplica, upstreamStatus != nil else {
            throw VigilError(.forbidden, "this node does not follow a headquarters (vigil serve --upstream)")
        }
        let page = try SignedEnvelope.open(file, as: WatchlistSyncPage.self, format: WatchlistSyncPage.format, trusting: [upstreamKey],
                                           untrusted: "the sync page's signature does not verify with headquarters' key: it was altered, or it is not from headquarters")
        let now = configuration.clock()
        do {
            let current = try await replica.upstreamState().version
            guard page.after == current, page.through >= page.after, page.head >= page.through else {
                throw VigilError(.syncOutOfSequence, "the page covers versions \(page.after)–\(page.through) but this post is at \(current): it was replayed, skipped or reordered")
            }
            if page.through > page.after {
                // An entry already past its expiry (headquarters has not purged it yet) is not brought back:
                // the post's own retention may have erased it already.
                let expired = page.entries.filter { $0.details.expiresAt.map { $0 <= now } ?? false }
                let live = page.entries.filter { $0.details.expiresAt.map { $0 > now } ?? true }
                let replicaPage = ReplicaPage(after: page.after, through: page.through, entries: try live.map(replicaEntry),
                                              removed: page.removed + expired.map(\.sourceId), categories: page.categories)
                _ = try await replica.applyUpstream(replicaPage, at: now, afterCommit: follow)
                await followWrites()
                if page.categories != nil { try await reloadCategories() }
            } else {
                try await replica.markSynced(at: now)
            }
        } catch let error as VigilError {
            throw error
        } catch let error as StorageError {
            throw storageFailure(error, "sync")
        } catch {
            throw VigilError(.internalError, "the sync page could not be applied")
        }
        let status = upstream.withLock { status in
            status?.connected = true
            status?.lastSync = now
            status?.version = page.through
            status?.versionsBehind = page.head - page.through
            status?.lastError = nil
            status?.lastErrorMessage = nil
            return status ?? UpstreamStatus()
        }
        ServiceMetrics.syncPageApplied(entries: page.entries.count, behind: status.versionsBehind)
        return status
    }

    /// Headquarters holds the post's records through `seq`.
    public func recordsAcknowledged(through seq: Int64) {
        upstream.withLock { status in
            status?.recordsAcknowledged = seq
            status?.recordsError = nil
            status?.recordsErrorMessage = nil
        }
    }

    /// An upload of records failed.
    public func recordsFailed(_ failure: UpstreamFailure) {
        upstream.withLock { status in
            status?.recordsError = failure.code
            status?.recordsErrorMessage = String(failure.message.prefix(300))
        }
        ServiceMetrics.syncFailed(failure.code)
    }

    /// Records a failed attempt to reach or use headquarters.
    public func upstreamFailed(_ failure: UpstreamFailure) {
        upstream.withLock { status in
            // Reached, but refused: connected all the same.
            status?.connected = failure.code != UpstreamFailure.unreachable
            status?.lastError = failure.code
            status?.lastErrorMessage = String(failure.message.prefix(300))
        }
        ServiceMetrics.syncFailed(failure.code)
    }

    /// The upstream state as stored, at start-up. A database that has
    /// synced from headquarters stays a post's, even opened by a one-shot
    /// command without --upstream: its watchlist is never changed locally.
    func loadUpstreamStatus() async throws {
        guard let replica = store as? any WatchlistReplica else {
            guard upstreamStatus == nil else {
                throw VigilError(.invalidField, "a post keeps its watchlist copy in SQLite (--db): \(store.location) cannot follow a headquarters")
            }
            return
        }
        let state = try await replica.upstreamState()
        guard configuration.followsUpstream || state.syncedAt != nil else { return }
        upstream.withLock { $0 = UpstreamStatus(connected: false, lastSync: state.syncedAt, version: state.version) }
    }

    /// An entry as the post stores it: its templates checked like a
    /// bundle's, only those of this post's recognizer kept for faces. One
    /// left with none is still held (its details, not searched), so one
    /// entry of another recognizer never stops the post's sync.
    private func replicaEntry(_ entry: WatchlistBundle.Entry) throws(VigilError) -> ReplicaPage.Entry {
        let templates = try searchableTemplates(entry, requireOne: false)
        return ReplicaPage.Entry(id: entry.sourceId, details: entry.details, faces: templates.faces, fingers: templates.fingers)
    }

    /// A post's watchlist changes only through headquarters' pages.
    func requireLocalWatchlist() throws(VigilError) {
        guard upstreamStatus == nil else {
            throw VigilError(.forbidden, "this post's watchlist is a copy of headquarters': change it there")
        }
    }
}
