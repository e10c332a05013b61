import Foundation
import Logging
import VigilStorage

/// How the in-memory index follows the stored watchlist. A change made
/// through this node is applied as it commits when it follows on from the
/// index's version; otherwise (another node, or another process on the same
/// file, committed in between) the index catches up from the store by
/// version. Nodes sharing a database are also woken by the store's change
/// notifications and poll once a second, so a lost notification costs
/// latency, never a change.
extension ScreeningService {
    /// Applies a committed change in order, or leaves it to a catch-up.
    func follow(setting category: WatchlistCategory? = nil) -> @Sendable (WatchlistChange) -> Void {
        { [self] change in
            let inOrder = index.withLock { index -> Bool in
                guard change.version > index.version else { return true }
                guard change.baseVersion == index.version else { return false }
                index.apply(change)
                if let category { index.categories[category.name] = category }
                return true
            }
            if !inOrder { behind.withLock { $0 = max($0, change.version) } }
        }
    }

    var follow: @Sendable (WatchlistChange) -> Void { follow(setting: nil) }

    /// After a write through this node: when its change could not be applied
    /// in order, catch up now, so what the caller wrote is searchable when
    /// the response leaves (read your writes).
    func followWrites() async {
        let target = behind.withLock { $0 }
        guard index.withLock({ $0.version }) < target else { return }
        do { try await catchUp() } catch {
            logger.warning("the index could not catch up with the database", metadata: ["reason": "\(error)"])
        }
    }

    /// Reads what changed after the index's version and applies it; repeats
    /// while a concurrent local commit moved the index meanwhile.
    func catchUp() async throws(StorageError) {
        for _ in 0..<8 {
            let from = index.withLock { $0.version }
            guard let change = try await store.changes(after: from) else { return }
            let categories = change.categoriesChanged ? try await store.categories() : nil
            let applied = index.withLock { index -> Bool in
                guard index.version == from else { return false }
                index.apply(change)
                if let categories { index.categories = Self.byName(categories) }
                return true
            }
            if applied { return }
        }
    }

    /// Re-reads every category's settings into the index (after a change
    /// that did not carry them, such as a sync page).
    func reloadCategories() async throws(StorageError) {
        let categories = try await store.categories()
        index.withLock { $0.categories = Self.byName(categories) }
    }

    static func byName(_ categories: [WatchlistCategory]) -> [String: WatchlistCategory] {
        Dictionary(categories.map { ($0.name, $0) }) { first, _ in first }
    }

    /// The loop a node sharing its database runs: wait for a notification
    /// (at most `followPollInterval`), catch up, again, until cancelled.
    static func followLoop(_ service: ScreeningService) -> Task<Void, Never> {
        Task { [weak service] in
            // A streak of failures is logged once at its start and once at its
            // end: an operator sees the index fall behind, and catch up, without
            // a line a second while the database is away.
            var failing = false
            while !Task.isCancelled {
                guard let store = service?.store, let poll = service?.configuration.followPollInterval else { return }
                await store.waitForChange(timeout: poll)
                guard let service, !Task.isCancelled else { return }
                do {
                    try await service.catchUp()
                    if failing {
                        failing = false
                        service.logger.info("the index caught up with the database again",
                                            metadata: ["version": "\(service.index.withLock { $0.version })"])
                    }
                } catch {
                    if !failing {
                        failing = true
                        service.logger.warning("the index cannot catch up with the database; retrying", metadata: ["reason": "\(error)"])
                    }
                }
            }
        }
    }

    /// Stops following the database and closes it (the daemon at shutdown; tests).
    public func shutdown() async {
        follower.withLock { $0?.cancel() }
        fingerKeyStorage.withLock { $0?.cancel() }
        await fingerKeysStored()
        await store.close()
    }
}
