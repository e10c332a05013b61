import Foundation
import GRDB
import Testing
import VigilPostgres
import VigilSQLite
import VigilStorage
import VigilTestSupport

/// The storage backends every behaviour test runs against: the same calls,
/// the same answers. PostgreSQL runs on the private test cluster (skipped
/// with a note outside `make test`, failing under CI when it is missing).
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static var available: [Backend] { TestPostgres.enabled ? allCases : [.sqlite] }

    /// A fresh database: a file path or a URL.
    func freshLocation() throws -> String {
        switch self {
        case .sqlite: return temporaryDatabasePath()
        case .postgres: return try TestPostgres.freshDatabase()
        }
    }

    func open(_ location: String, keys: KeyRing, checkpointEvery: Int = 100) async throws -> any VigilStore {
        switch self {
        case .sqlite: return try await SQLiteStore.open(path: location, keys: keys, checkpointEvery: checkpointEvery)
        case .postgres: return try await PostgresStore.open(url: location, keys: keys, checkpointEvery: checkpointEvery,
                                                            deadline: TestPostgres.deadline)
        }
    }

    /// A fresh store with the categories the tests use, and where it is.
    func fresh(keys: KeyRing = .ephemeral(), checkpointEvery: Int = 100) async throws -> (store: any VigilStore, location: String) {
        let location = try freshLocation()
        let store = try await open(location, keys: keys, checkpointEvery: checkpointEvery)
        try await store.seedCategories(["wanted_other", "missing_person", "refuse_entry"].map {
            WatchlistCategory(name: $0, description: $0, protective: $0 == "missing_person", matchThreshold: 0.9, confirmations: 1, action: "check")
        })
        return (store, location)
    }

    /// SQL straight to the database, past Vigil (as an intruder or an operator could).
    func raw(_ location: String) -> RawDatabase { RawDatabase(backend: self, location: location) }

    /// A copy of a closed database, to tamper with.
    func copy(_ location: String) throws -> String {
        switch self {
        case .sqlite:
            let copy = temporaryDatabasePath("vigil-copy")
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: copy).deletingLastPathComponent(), withIntermediateDirectories: true)
            try DatabaseQueue(path: location).backup(to: try DatabaseQueue(path: copy))
            return copy
        case .postgres:
            let name = String(location[location.index(after: location.lastIndex(of: "/")!)...])
            let copy = try TestPostgres.freshDatabase()
            let copyName = String(copy[copy.index(after: copy.lastIndex(of: "/")!)...])
            let admin = try #require(TestPostgres.adminURL)
            try TestPostgres.psql(admin, "DROP DATABASE \(copyName)")
            // A closed store's connections may still be ending: end them, then copy.
            try TestPostgres.psql(admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'")
            try TestPostgres.psql(admin, "CREATE DATABASE \(copyName) TEMPLATE \(name)")
            return copy
        }
    }
}

/// Plain SQL on a backend's database, outside Vigil.
struct RawDatabase {
    let backend: Backend
    let location: String

    func execute(_ sql: String) throws {
        switch backend {
        case .sqlite: try DatabaseQueue(path: location).write { try $0.execute(sql: sql) }
        case .postgres: try TestPostgres.psql(location, sql)
        }
    }

    /// The first column of the first row, as text.
    func text(_ sql: String) throws -> String? {
        switch backend {
        case .sqlite: return try DatabaseQueue(path: location).read { try String.fetchOne($0, sql: sql) }
        case .postgres:
            let output = try TestPostgres.psql(location, sql)
            return output.isEmpty ? nil : output.split(separator: "\n").first.map(String.init)
        }
    }

    /// Every value of the first column, as text.
    func texts(_ sql: String) throws -> [String] {
        switch backend {
        case .sqlite: return try DatabaseQueue(path: location).read { try String.fetchAll($0, sql: sql) }
        case .postgres: return try TestPostgres.psql(location, sql).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
