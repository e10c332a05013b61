import Foundation
import VigilPostgres
import VigilSQLite
import VigilStorage

/// Where a deployment keeps its data: an embedded SQLite file (the
/// default) or a PostgreSQL database shared by several nodes. The one place
/// that names the backends; everything above speaks `VigilStore`.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// `postgres://...` (or `postgresql://...`) is PostgreSQL; anything else a file path.
    public init(_ text: String) {
        self = PostgresLocation.isURL(text) ? .postgres(url: text) : .sqlite(path: text)
    }

    /// Without any password.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url): return (try? PostgresLocation(url: url).description) ?? "postgres://(unreadable URL)"
        }
    }

    /// Where the key files are when none is named: beside a SQLite file
    /// (`PATH.data-key`, `PATH.audit-key`); for PostgreSQL, `var/central.*`,
    /// which every node of the deployment must hold the same copy of.
    public var defaultKeyPath: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres: return "var/central"
        }
    }

    /// Opens the store (creating or migrating its schema).
    public func open(keys: KeyRing, checkpointEvery: Int = 100) async throws(StorageError) -> any VigilStore {
        switch self {
        case .sqlite(let path): return try await SQLiteStore.open(path: path, keys: keys, checkpointEvery: checkpointEvery)
        case .postgres(let url): return try await PostgresStore.open(url: url, keys: keys, checkpointEvery: checkpointEvery)
        }
    }
}

/// A SQLite file's schema state, read without opening it for writing (`vigil doctor`).
public typealias SchemaStatus = VigilSQLite.SchemaStatus
