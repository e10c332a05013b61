import Foundation
import VigilStorage

/// Watchlist administration. Every change is one transaction holding the
/// change and its event; the index follows on commit.
extension ScreeningService {
    public static let maxPageSize = 1000

    public func entries(_ query: EntryQuery) async throws(VigilError) -> EntryListResponse {
        guard (1...Self.maxPageSize).contains(query.limit), query.offset >= 0 else {
            throw VigilError(.invalidField, "limit must be 1 to \(Self.maxPageSize) and offset at least 0")
        }
        do {
            let page = try await store.entries(matching: query)
            return EntryListResponse(entries: page.entries.map(EntryResponse.init), version: page.version, total: page.total,
                                     limit: query.limit, offset: query.offset)
        } catch {
            throw storageFailure(error, "listing")
        }
    }

    public func entry(id: UUID) async throws(VigilError) -> EntryResponse {
        do { return EntryResponse(try await store.entry(id: id)) } catch { throw storageFailure(error, "reading an entry") }
    }

    public func update(id: UUID, _ patch: EntryPatch) async throws(VigilError) -> EntryResponse {
        try requireLocalWatchlist()
        guard !patch.isEmpty else { throw VigilError(.missingField, "the update changes no field") }
        do {
            // Validate the patch against the current entry; the store applies
            // the normalised patch inside its transaction, so a concurrent
            // update of other fields is not lost.
            let current = try await store.entry(id: id)
            let validated = try EntryValidation.validated(patch.applied(to: current.entry.details), categories: categoryNames,
                                                          now: configuration.clock())
            let normalized = patch.normalized(from: validated)
            _ = try await store.update(id: id, { normalized.applied(to: $0) }, afterCommit: follow)
            await followWrites()
            logger.info("entry updated", metadata: ["fields": "\(CodingKeysList.set(in: patch))"])
            return EntryResponse(try await store.entry(id: id))
        } catch let error as StorageError {
            throw storageFailure(error, "update")
        } catch let error as VigilError {
            throw error
        } catch {
            throw VigilError(.internalError, "the update could not be completed")
        }
    }

    public func addSamples(id: UUID, faces: [[UInt8]], fingers: [FingerSample],
                           subjects: [FaceBox?] = []) async throws(VigilError) -> EntryResponse {
        try requireLocalWatchlist()
        guard !faces.isEmpty || !fingers.isEmpty else {
            throw VigilError(.missingField, "send at least one face image or finger sample")
        }
        let samples = try await templates(faces: faces, subjects: subjects, fingers: fingers)
        do {
            let entry = try await store.addSamples(id: id, faces: samples.faces, fingers: samples.fingers, afterCommit: follow)
            await followWrites()
            return EntryResponse(entry)
        } catch {
            throw storageFailure(error, "adding samples")
        }
    }

    public func removeSample(id: UUID, sample: String) async throws(VigilError) -> EntryResponse {
        try requireLocalWatchlist()
        do {
            let entry = try await store.removeSample(id: id, sample: sample, afterCommit: follow)
            await followWrites()
            return EntryResponse(entry)
        } catch {
            throw storageFailure(error, "removing a sample")
        }
    }

    /// Removes an entry and erases its templates; the event keeps their digests.
    public func remove(id: UUID) async throws(VigilError) -> RemovalResponse {
        try requireLocalWatchlist()
        do {
            let version = try await store.remove(id: id, afterCommit: follow)
            await followWrites()
            logger.info("entry removed", metadata: ["version": "\(version)"])
            return RemovalResponse(removed: [id], version: version)
        } catch {
            throw storageFailure(error, "removal")
        }
    }

    /// Purges expired entries and screening records past retention. Run at
    /// start-up and periodically by the daemon.
    @discardableResult
    public func enforceRetention() async throws(VigilError) -> (expired: [UUID], screeningsDeleted: Int) {
        let now = configuration.clock()
        do {
            let expired = try await store.purgeExpired(now: now, afterCommit: follow)
            await followWrites()
            var deleted = 0
            if let days = configuration.screeningRetentionDays {
                deleted = try await store.deleteScreenings(recordedBefore: now.addingTimeInterval(-Double(days) * 86_400))
            }
            var erased = 0
            if let days = configuration.noHitProbeRetentionDays {
                erased = try await store.eraseProbes(ofNoHitScreeningsBefore: now.addingTimeInterval(-Double(days) * 86_400))
            }
            if deleted > 0 || erased > 0 {
                let result = "{\"screenings_deleted\":\(deleted),\"no_hit_probes_erased\":\(erased)}"
                _ = try await store.audit(AuditDraft(action: AuditAction.retention, result: result), at: now)
            }
            ServiceMetrics.retention(expired: expired.count, screeningsDeleted: deleted)
            if !expired.isEmpty || deleted > 0 {
                logger.info("retention enforced", metadata: ["expired_entries": "\(expired.count)", "screenings_deleted": "\(deleted)"])
            }
            return (expired, deleted)
        } catch {
            throw storageFailure(error, "retention")
        }
    }

    public func categories() -> [WatchlistCategory] {
        index.withLock { Array($0.categories.values) }.sorted { $0.name < $1.name }
    }

    /// Creates or changes a category; the change is a watchlist event.
    public func setCategory(_ category: WatchlistCategory) async throws(VigilError) -> Int64 {
        try requireLocalWatchlist()
        let name = category.name
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw VigilError(.invalidField, "category names are 1 to 64 characters of a-z, 0-9 and _")
        }
        guard (0...1).contains(category.matchThreshold), category.targetFpir.map({ $0 > 0 && $0 < 1 }) ?? true,
              [1, 2].contains(category.confirmations),
              !category.action.isEmpty, category.action.count <= EntryValidation.maxLongText else {
            throw VigilError(.invalidField,
                             "a category needs a threshold in 0...1, a target FPIR above 0 and below 1 if any, 1 or 2 confirmations and an action text")
        }
        guard (category.posts ?? []).count <= 1000, (category.posts ?? []).allSatisfy({ post in
            (1...64).contains(post.count) && !post.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }) else {
            throw VigilError(.invalidField, "posts lists post names (their node tokens' names) of 1 to 64 characters, at most 1000")
        }
        do {
            let version = try await store.setCategory(category, afterCommit: follow(setting: category))
            await followWrites()
            return version
        } catch {
            throw storageFailure(error, "category change")
        }
    }

    public func versionReport() -> WatchlistVersionResponse {
        let status = watchlistStatus
        return WatchlistVersionResponse(version: status.version, entries: status.entries, faceTemplates: status.faceTemplates,
                                        fingerTemplates: status.fingerTemplates)
    }

    public func events(from version: Int64, limit: Int, entry: UUID? = nil) async throws(VigilError) -> [WatchlistEvent] {
        do { return try await store.events(from: version, limit: limit, entry: entry) } catch { throw storageFailure(error, "history") }
    }
}

/// Field names a patch sets, for the log (names only, never values).
enum CodingKeysList {
    static func set(in patch: EntryPatch) -> [String] {
        EntryPatch.CodingKeys.allCases.filter { key in
            switch key {
            case .name: return patch.name != nil
            case .category: return patch.category != nil
            case .aliases: return patch.aliases != nil
            case .documents: return patch.documents != nil
            case .dateOfBirth: return patch.dateOfBirth != .keep
            case .nationality: return patch.nationality != .keep
            case .issuingAuthority: return patch.issuingAuthority != .keep
            case .legalBasis: return patch.legalBasis != .keep
            case .handlingInstructions: return patch.handlingInstructions != .keep
            case .externalRef: return patch.externalRef != .keep
            case .expiresAt: return patch.expiresAt != .keep
            }
        }.map(\.rawValue)
    }
}
