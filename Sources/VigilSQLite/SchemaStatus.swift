import Foundation
import GRDB
import VigilStorage

/// Where a database file stands against the schema this build knows,
/// read without changing it (`vigil doctor`; opening the store migrates).
public struct SchemaStatus: Sendable, Equatable {
    public let applied: [String]
    public let pending: [String]
    /// Migrations the file has that this build does not know: a newer Vigil wrote it.
    public let unknown: [String]

    public static func read(path: String) throws(StorageError) -> SchemaStatus {
        do {
            let queue = try readOnly(path)
            let applied = try queue.read { db in try Schema.migrator.appliedIdentifiers(db) }
            let known = Schema.migrator.migrations
            let done = Set(applied)
            return SchemaStatus(applied: known.filter(done.contains), pending: known.filter { !done.contains($0) },
                                unknown: applied.filter { !known.contains($0) }.sorted())
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// When the newest audit record was written; nil when there is none.
    public static func newestAuditRecord(path: String) throws(StorageError) -> Date? {
        do {
            let text = try readOnly(path).read { db in try String.fetchOne(db, sql: "SELECT recorded_at FROM audit_record ORDER BY seq DESC LIMIT 1") }
            return text.flatMap(AuditChain.date)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    private static func readOnly(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }
}
