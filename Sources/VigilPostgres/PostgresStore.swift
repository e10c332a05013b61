import Foundation
import Logging
import PostgresNIO
import Synchronization
import VigilStorage

/// Vigil's store on PostgreSQL 15, shared by every node of a deployment.
///
/// Isolation: changing transactions run at READ COMMITTED and serialise on
/// one row each: `watchlist_head` for watchlist changes (versions are taken
/// from it, so they are gap-free and commit in order on every node) and
/// `audit_head` for the audit chain (one chain for every node). Lock order
/// is always watchlist before audit, so no two transactions deadlock.
/// Reads that need several statements to agree (a catch-up, start-up, a
/// page of entries) run in one REPEATABLE READ, READ ONLY transaction.
public final class PostgresStore: VigilStore {
    let client: PostgresClient
    let keys: KeyRing
    let checkpointEvery: Int
    let logger: Logger
    /// How long an operation may wait to reach the server before it fails
    /// as `unavailable` (the pool would otherwise queue requests while the
    /// server is down).
    let deadline: Duration
    private let tasks: [Task<Void, Never>]
    private let signal: ChangeSignal
    public let location: String

    /// The channel every watchlist change notifies on commit (payload: the version).
    static let channel = "vigil_watchlist"

    public var auditPublicKey: [UInt8] { keys.publicKey }
    public var isShared: Bool { true }

    private init(client: PostgresClient, tasks: [Task<Void, Never>], signal: ChangeSignal, keys: KeyRing, checkpointEvery: Int,
                 logger: Logger, deadline: Duration, location: String) {
        self.client = client
        self.tasks = tasks
        self.signal = signal
        self.keys = keys
        self.checkpointEvery = checkpointEvery
        self.logger = logger
        self.deadline = deadline
        self.location = location
    }

    /// Connects, applies the schema (once, whichever node comes first) and
    /// starts listening for other nodes' changes.
    public static func open(url: String, keys: KeyRing, checkpointEvery: Int = 100, maximumConnections: Int = 16,
                            deadline: Duration = .seconds(10),
                            logger: Logger = Logger(label: "vigil.postgres")) async throws(StorageError) -> PostgresStore {
        let place = try PostgresLocation(url: url)
        let client = PostgresClient(configuration: place.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: logger)
        let runner = Task { await client.run() }
        let signal = ChangeSignal()
        let listener = Task { await listen(client, signal: signal, logger: logger) }
        let store = PostgresStore(client: client, tasks: [runner, listener], signal: signal, keys: keys,
                                  checkpointEvery: max(1, checkpointEvery), logger: logger, deadline: deadline, location: place.description)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw .cannotOpen(path: place.description, reason: "\(error)")
        }
        // A node that answers is already listening: a change another node makes right after
        // this one starts wakes it, instead of waiting for the next poll.
        let clock = ContinuousClock(), start = clock.now
        while !signal.isListening, clock.now - start < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        return store
    }

    public func close() async {
        for task in tasks { task.cancel() }
    }

    deinit {
        // The pool's connections end with its run task.
        for task in tasks { task.cancel() }
    }

    public func waitForChange(timeout: Duration) async {
        await signal.wait(timeout: timeout)
    }

    /// Holds one connection LISTENing on the channel; reconnects after a
    /// failure. A notification only wakes the follower, which reads what
    /// changed by version: one lost while reconnecting costs latency only.
    private static func listen(_ client: PostgresClient, signal: ChangeSignal, logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        signal.setListening(true)
                        // Changes made while no one listened are read at the next catch-up.
                        signal.fire()
                        for try await _ in notifications { signal.fire() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("watchlist notifications interrupted", metadata: ["reason": "\(StorageError.from(error))"])
            }
            signal.setListening(false)
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// How long opening waits for the server: a node starting beside a database
    /// that is itself still starting (or a loaded host where the first
    /// connection is slow) waits for it rather than failing, unlike a request.
    static let startupDeadline = Duration.seconds(60)

    private func migrate() async throws(StorageError) {
        try await transaction(within: max(deadline, Self.startupDeadline)) { db in
            try await db.execute("SELECT pg_advisory_xact_lock(?)", [PostgresSchema.migrationLock])
            try await db.execute("CREATE TABLE IF NOT EXISTS vigil_migration (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)")
            let applied = Set(try await db.rows("SELECT name FROM vigil_migration").map { try $0.get(0, as: String.self) })
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                for statement in migration.statements { try await db.execute(statement) }
                try await db.execute("INSERT INTO vigil_migration (name, applied_at) VALUES (?, ?)", [migration.name, Date()])
            }
        }
    }

    // MARK: Transactions

    /// One READ COMMITTED transaction (the statements lock what they order).
    /// `limit`: how long to wait for a connection, when not the store's deadline.
    func transaction<T: Sendable>(within limit: Duration? = nil,
                                  _ body: @escaping @Sendable (SQLConnection) async throws -> T) async throws(StorageError) -> T {
        let client = self.client, logger = self.logger
        return try await GuardedOperation(deadline: limit ?? deadline).run { connected in
            try await client.withConnection { connection in
                connected(connection)
                return try await connection.withTransaction(logger: logger) { connection in
                    try await body(SQLConnection(connection: connection, logger: logger))
                }
            }
        }
    }

    /// One REPEATABLE READ, READ ONLY transaction: every statement sees the same snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLConnection) async throws -> T) async throws(StorageError) -> T {
        try await transaction { db in
            try await db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return try await body(db)
        }
    }

    /// Runs `body` in one transaction holding the watchlist version row, adds
    /// an audit record per event it wrote, notifies the other nodes on
    /// commit, then calls `afterCommit` with the change.
    func change<T: Sendable>(afterCommit: @escaping @Sendable (WatchlistChange) -> Void,
                             _ body: @escaping @Sendable (SQLConnection) async throws -> (T, WatchlistChange)) async throws(StorageError) -> T {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        let (value, change) = try await transaction { db in
            let before = try await db.value("SELECT version FROM watchlist_head WHERE id = 1 FOR UPDATE", as: Int64.self) ?? 0
            var (value, change) = try await body(db)
            let events = try await Self.events(after: before, limit: .max, entry: nil, db)
            for event in events {
                let draft = AuditDraft(action: "watchlist.\(event.action.rawValue)", subject: event.subject, result: try StorageJSON.text(event))
                _ = try await Self.appendAudit(draft, actor: actor, at: event.recordedAt, keys: keys, checkpointEvery: every, db)
            }
            change.baseVersion = before
            change.version = max(change.version, events.last?.version ?? before)
            if change.version > before {
                try await db.execute("SELECT pg_notify(?, ?)", [Self.channel, String(change.version)])
            }
            return (value, change)
        }
        afterCommit(change)
        return value
    }

    static func version(_ db: SQLConnection) async throws -> Int64 {
        try await db.value("SELECT version FROM watchlist_head WHERE id = 1", as: Int64.self) ?? 0
    }

    /// Takes the next version (the caller holds the row) and writes its event.
    static func appendEvent(_ action: WatchlistAction, subject: String, details: EventDetails?, at date: Date,
                            _ db: SQLConnection) async throws -> Int64 {
        guard let version = try await db.value("UPDATE watchlist_head SET version = version + 1 WHERE id = 1 RETURNING version",
                                               as: Int64.self) else { throw StorageError.database("watchlist_head is missing") }
        try await db.execute("INSERT INTO watchlist_event (version, action, entry_id, recorded_at, details) VALUES (?, ?, ?, ?, ?)",
                             [version, action.rawValue, subject, date, try details.map { try StorageJSON.text($0) }])
        return version
    }

    static func setEventDetails(_ details: EventDetails, version: Int64, _ db: SQLConnection) async throws {
        try await db.execute("UPDATE watchlist_event SET details = ? WHERE version = ?", [try StorageJSON.text(details), version])
    }

    public func watchlistVersion() async throws(StorageError) -> Int64 {
        try await read { db in try await Self.version(db) }
    }

    public func counts() async throws(StorageError) -> StoreCounts {
        try await read { db in
            func count(_ table: String) async throws -> Int {
                Int(try await db.value("SELECT COUNT(*) FROM \(table)", as: Int64.self) ?? 0)
            }
            return StoreCounts(entries: try await count("watchlist_entry"), faceTemplates: try await count("face_template"),
                               fingerTemplates: try await count("finger_template"), events: try await count("watchlist_event"),
                               screenings: try await count("screening"))
        }
    }
}
