import Foundation

/// Storage as the service needs it, named by need. Each backend (SQLite in
/// `VigilSQLite`, PostgreSQL in `VigilPostgres`) implements all four, with
/// the same answers; `VigilStore` is the whole.
///
/// Every watchlist change writes its event, with the next version, and its
/// audit record in the transaction that makes it; versions are gap-free and
/// totally ordered. `afterCommit` runs once the change is durable, with what
/// the in-memory index must follow (`WatchlistChange.baseVersion` says which
/// version it follows on from).
public protocol WatchlistStore: Sendable {
    func enroll(_ batch: [NewEntry], at date: Date,
                afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> [EnrolledEntry]
    /// Applies `edit` to the entry's details inside the write transaction.
    func update(id: UUID, at date: Date, _ edit: @escaping @Sendable (EntryDetails) -> EntryDetails,
                afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> StoredEntry
    func addSamples(id: UUID, faces: [NewFaceTemplate], fingers: [NewFingerTemplate], at date: Date,
                    afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> WatchlistEntry
    func removeSample(id: UUID, sample: String, at date: Date,
                      afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> WatchlistEntry
    /// Erases the entry and its templates; returns the removal's version.
    func remove(id: UUID, at date: Date, afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> Int64
    func purgeExpired(now: Date, afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> [UUID]
    func reembedFace(templateID: Int64, with replacement: NewFaceTemplate, at date: Date,
                     afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> Int64?

    func categories() async throws(StorageError) -> [WatchlistCategory]
    /// Inserts the categories that do not exist yet.
    func seedCategories(_ defaults: [WatchlistCategory]) async throws(StorageError)
    func setCategory(_ category: WatchlistCategory, at date: Date,
                     afterCommit: @escaping @Sendable (WatchlistChange) -> Void) async throws(StorageError) -> Int64

    /// Every searchable template at the current version (or as of `asOf`).
    func loadWatchlist(asOf: Int64?) async throws(StorageError) -> WatchlistContents
    /// What changed after `version`, up to the newest committed version, as
    /// one change an index at `version` can apply: how a node follows
    /// changes made through other nodes (nil when nothing changed).
    func changes(after version: Int64) async throws(StorageError) -> WatchlistChange?
    /// The changes after `version` as headquarters sends them to posts, in
    /// one snapshot, covering at most `limit` events (`FeedPage.cut`).
    func feedPage(after version: Int64, limit: Int) async throws(StorageError) -> FeedPage
    func watchlistVersion() async throws(StorageError) -> Int64
    func candidateDetails(templateIDs: [Int64]) async throws(StorageError) -> CandidateDetails
    func entries(keys: [Int64]) async throws(StorageError) -> [Int64: StoredEntry]
    func entries(matching query: EntryQuery) async throws(StorageError) -> EntryPage
    func entry(id: UUID) async throws(StorageError) -> WatchlistEntry
    func entryIDs(externalRefs: [String]) async throws(StorageError) -> [String: UUID]
    func events(from version: Int64, limit: Int, entry: UUID?) async throws(StorageError) -> [WatchlistEvent]
    func firstEvent(_ action: WatchlistAction, onEntries entries: [UUID], after version: Int64) async throws(StorageError) -> WatchlistEvent?
    func counts() async throws(StorageError) -> StoreCounts
    func faceTemplates(notOfModel model: String) async throws(StorageError) -> [OtherModelFace]
    func faceReferencePhoto(entry: UUID) async throws(StorageError) -> [UInt8]?
    /// An entry's finger templates (ISO/IEC 19794-2 records), opened, in id order.
    func fingerTemplates(entry: UUID) async throws(StorageError) -> [StoredFingerTemplate]
    /// Replaces the stored index keys of these finger templates (by id),
    /// each sealed under its row's own data key; templates erased meanwhile
    /// are skipped. Derived data, not a watchlist change: no version, no
    /// event. Returns how many rows it replaced.
    func replaceFingerIndexKeys(_ keys: [Int64: [UInt8]]) async throws(StorageError) -> Int
    /// The source images kept with an entry's finger templates (`keepSourceImages`), opened, by position.
    func fingerSourceImages(entry: UUID) async throws(StorageError) -> [Int: [UInt8]]
    func faceReferencePhoto(templateID: Int64) async throws(StorageError) -> [UInt8]?

    /// Re-seals up to `batch` rows per table under the current data key.
    func reseal(batch: Int, onlyUnsealed: Bool) async throws(StorageError) -> Int
    func rowsToReseal() async throws(StorageError) -> Int
    /// Adds a data key to the key file and makes it current (new seals use it).
    func addDataKey() throws(StorageError) -> UInt32
}

extension WatchlistStore {
    /// Adds a data key, makes it current and re-seals every template and
    /// kept image under it, batch by batch, while the service keeps running.
    public func rotateDataKey(batch: Int, progress: (Int) -> Void) async throws(StorageError) -> UInt32 {
        let id = try addDataKey()
        var done = 0
        while true {
            let changed = try await reseal(batch: batch, onlyUnsealed: false)
            guard changed > 0 else { break }
            done += changed
            progress(done)
        }
        return id
    }
}

/// Screenings and the officers' decisions on them.
public protocol ScreeningLog: Sendable {
    /// The screening and, when given, its audit record, in one transaction.
    func record(_ screening: ScreeningRecord, audit: AuditDraft?) async throws(StorageError)
    func screeningsWithCandidates(post: String, limit: Int, offset: Int) async throws(StorageError) -> [StoredScreening]
    func screening(id: UUID) async throws(StorageError) -> StoredScreening?
    func adjudicate(screening id: UUID, _ adjudication: Adjudication,
                    summary: @escaping @Sendable (StoredScreening) -> String) async throws(StorageError) -> StoredScreening
    func deleteScreenings(recordedBefore cutoff: Date) async throws(StorageError) -> Int
}

/// The hash-chained, signed audit log.
public protocol AuditLog: Sendable {
    /// The Ed25519 key that verifies this store's checkpoints.
    var auditPublicKey: [UInt8] { get }
    func audit(_ draft: AuditDraft, at date: Date) async throws(StorageError) -> Int64
    func auditRecords(from: Int64, to: Int64, actor: String?, action: String?, limit: Int) async throws(StorageError) -> [AuditRecord]
    func probe(ofRecord seq: Int64) async throws(StorageError) -> [UInt8]?
    func eraseProbes(ofNoHitScreeningsBefore cutoff: Date) async throws(StorageError) -> Int
    func auditStatus() async throws(StorageError) -> (records: Int, lastCheckpointAt: Date?)
    /// Signs the chain head if it moved since the last checkpoint.
    @discardableResult
    func checkpoint(at date: Date) async throws(StorageError) -> Int64?
    func verifyAudit(publicKey: [UInt8]?) async throws(StorageError) -> AuditVerification
    /// Signed checkpoints covering records after `seq`, oldest first (what a post uploads).
    func checkpoints(after seq: Int64) async throws(StorageError) -> [StoredCheckpoint]
}

/// API credentials: only each secret's SHA-256 is stored.
public protocol TokenStore: Sendable {
    func issueToken(name: String, role: String, at date: Date) async throws(StorageError) -> IssuedToken
    /// The live token a presented credential belongs to, compared in constant time.
    func authenticate(_ presented: String) async throws(StorageError) -> APIToken?
    func liveToken(id: String) async throws(StorageError) -> APIToken?
    func tokens() async throws(StorageError) -> [APIToken]
    func revokeToken(id: String, at date: Date) async throws(StorageError) -> Bool
    func hasLiveToken(role: String) async throws(StorageError) -> Bool
}

/// Everything a Vigil node keeps.
public protocol VigilStore: WatchlistStore, ScreeningLog, AuditLog, TokenStore, PostArchive {
    /// Where the data lives, for operators (a file path, or a URL without its password).
    var location: String { get }
    /// Whether other processes may change this store (several nodes on one
    /// database): the service then follows their changes.
    var isShared: Bool { get }
    /// Waits for the next sign that another process changed the watchlist,
    /// at most `timeout`; a store nothing else writes simply sleeps.
    func waitForChange(timeout: Duration) async
    /// Releases connections; the store is unusable afterwards.
    func close() async
}
