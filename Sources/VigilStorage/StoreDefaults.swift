import Foundation

/// The usual forms of the calls: now, and no follower.
extension WatchlistStore {
    public func enroll(_ batch: [NewEntry], afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> [EnrolledEntry] {
        try await enroll(batch, at: Date(), afterCommit: afterCommit)
    }

    public func update(id: UUID, _ edit: @escaping @Sendable (EntryDetails) -> EntryDetails,
                       afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> StoredEntry {
        try await update(id: id, at: Date(), edit, afterCommit: afterCommit)
    }

    public func addSamples(id: UUID, faces: [NewFaceTemplate], fingers: [NewFingerTemplate],
                           afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> WatchlistEntry {
        try await addSamples(id: id, faces: faces, fingers: fingers, at: Date(), afterCommit: afterCommit)
    }

    public func removeSample(id: UUID, sample: String,
                             afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> WatchlistEntry {
        try await removeSample(id: id, sample: sample, at: Date(), afterCommit: afterCommit)
    }

    public func remove(id: UUID, afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> Int64 {
        try await remove(id: id, at: Date(), afterCommit: afterCommit)
    }

    public func purgeExpired(now: Date) async throws(StorageError) -> [UUID] {
        try await purgeExpired(now: now, afterCommit: { _ in })
    }

    public func reembedFace(templateID: Int64, with replacement: NewFaceTemplate,
                            afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> Int64? {
        try await reembedFace(templateID: templateID, with: replacement, at: Date(), afterCommit: afterCommit)
    }

    public func setCategory(_ category: WatchlistCategory,
                            afterCommit: @escaping @Sendable (WatchlistChange) -> Void = { _ in }) async throws(StorageError) -> Int64 {
        try await setCategory(category, at: Date(), afterCommit: afterCommit)
    }

    public func loadWatchlist() async throws(StorageError) -> WatchlistContents { try await loadWatchlist(asOf: nil) }

    public func events(from version: Int64 = 1, limit: Int = 1000) async throws(StorageError) -> [WatchlistEvent] {
        try await events(from: version, limit: limit, entry: nil)
    }

    public func rotateDataKey(batch: Int = 500) async throws(StorageError) -> UInt32 {
        try await rotateDataKey(batch: batch, progress: { _ in })
    }
}

extension ScreeningLog {
    public func record(_ screening: ScreeningRecord) async throws(StorageError) { try await record(screening, audit: nil) }
}

extension AuditLog {
    public func audit(_ draft: AuditDraft) async throws(StorageError) -> Int64 { try await audit(draft, at: Date()) }

    public func auditRecords(from: Int64 = 1, to: Int64 = .max, limit: Int = 100) async throws(StorageError) -> [AuditRecord] {
        try await auditRecords(from: from, to: to, actor: nil, action: nil, limit: limit)
    }

    @discardableResult
    public func checkpoint() async throws(StorageError) -> Int64? { try await checkpoint(at: Date()) }

    public func verifyAudit() async throws(StorageError) -> AuditVerification { try await verifyAudit(publicKey: nil) }
}

extension TokenStore {
    public func issueToken(name: String, role: String) async throws(StorageError) -> IssuedToken {
        try await issueToken(name: name, role: role, at: Date())
    }

    public func revokeToken(id: String) async throws(StorageError) -> Bool { try await revokeToken(id: id, at: Date()) }
}
