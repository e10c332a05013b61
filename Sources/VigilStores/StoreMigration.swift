import Foundation
import VigilPostgres
import VigilSQLite
import VigilStorage

/// `vigil migrate --from FILE --to postgres://...`: an embedded deployment
/// moved to PostgreSQL without losing a record, a version or the audit
/// chain. The source is opened (and so migrated and sealed) by this build,
/// then copied table by table; the target must be empty. Afterwards the
/// counts, the version and the audit verification of both are compared.
public enum StoreMigration {
    public struct Report: Sendable, Codable, Equatable {
        public var rows: [String: Int] = [:]
        public var watchlistVersion: Int64 = 0
        public var auditRecords: Int64 = 0
        public var auditVerified = false
        public var keys = ""
    }

    public static func run(from sqlitePath: String, to url: String, keyPath: String?,
                           progress: @Sendable (String) -> Void = { _ in }) async throws(StorageError) -> Report {
        guard FileManager.default.fileExists(atPath: sqlitePath) else { throw .cannotOpen(path: sqlitePath, reason: "no such file") }
        let keys = try KeyRing.load(besideDatabase: sqlitePath)
        let target = keyPath ?? StoreLocation.postgres(url: url).defaultKeyPath
        try copyKeys(from: sqlitePath, to: target)
        let source = try await SQLiteStore.open(path: sqlitePath, keys: keys)
        let destination = try await PostgresStore.open(url: url, keys: try KeyRing.load(besideDatabase: target))
        let outcome: Result<Report, StorageError>
        do {
            outcome = .success(try await copy(from: source, to: destination, progress: progress))
        } catch {
            outcome = .failure(error)
        }
        await destination.close()
        await source.close()
        var report = try outcome.get()
        report.keys = target
        return report
    }

    private static func copy(from source: SQLiteStore, to destination: PostgresStore,
                             progress: @Sendable (String) -> Void) async throws(StorageError) -> Report {
        guard try await destination.isEmptyForTransfer() else {
            throw .database("the PostgreSQL database already holds a watchlist, an audit log or tokens: migrate into an empty one")
        }
        var report = Report()
        for table in TransferTable.all {
            var after: Int64 = .min, copied = 0
            while true {
                let rows = try await source.transferRows(table, after: after, limit: 2_000)
                try await destination.insertTransferred(table, rows: rows)
                copied += rows.count
                guard let key = table.key, rows.count == 2_000, case .int(let last) = rows.last?[keyIndex(table, key)] else { break }
                after = last
            }
            report.rows[table.name] = copied
            progress("\(table.name): \(copied) rows")
        }
        try await destination.finishTransfer(sequences: try await source.transferSequences())
        // The copy must answer as the original did.
        let (before, after) = (try await source.counts(), try await destination.counts())
        let version = try await destination.watchlistVersion()
        guard before == after, try await source.watchlistVersion() == version else {
            throw .database("the copy's counts differ from the original's (\(before) against \(after))")
        }
        report.watchlistVersion = version
        let verification = try await destination.verifyAudit(publicKey: source.auditPublicKey)
        guard verification.ok else { throw .database("the copied audit log does not verify: \(verification.reason ?? "")") }
        report.auditRecords = verification.records
        report.auditVerified = true
        return report
    }

    private static func keyIndex(_ table: TransferTable, _ key: String) -> Int {
        table.columns.firstIndex { $0.name == key } ?? 0
    }

    /// The nodes need the deployment's keys: its data key opens the sealed
    /// templates, its signing key continues the checkpoints. Copied beside
    /// `target` unless the same files are already there.
    private static func copyKeys(from sqlitePath: String, to target: String) throws(StorageError) {
        for suffix in [".data-key", ".audit-key"] {
            let from = sqlitePath + suffix, to = target + suffix
            guard let bytes = FileManager.default.contents(atPath: from) else { throw .keyUnusable("\(from) is missing") }
            if let existing = FileManager.default.contents(atPath: to) {
                guard existing == bytes else { throw .keyUnusable("\(to) exists and holds other keys: name another --keys path") }
                continue
            }
            do {
                try FileManager.default.createDirectory(at: URL(fileURLWithPath: to).deletingLastPathComponent(), withIntermediateDirectories: true)
                guard FileManager.default.createFile(atPath: to, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
                    throw StorageError.keyUnusable("cannot write \(to)")
                }
            } catch {
                throw .keyUnusable("cannot write \(to): \(error)")
            }
        }
    }
}
