import Foundation
import GRDB
import VigilStorage

extension SQLiteStore: TransferSource {
    package func transferRows(_ table: TransferTable, after: Int64, limit: Int) async throws(StorageError) -> [[TransferValue]] {
        try await read { db in
            let page = table.key.map { "WHERE \($0) > ? ORDER BY \($0) LIMIT ?" } ?? "ORDER BY \(table.order)"
            let arguments: StatementArguments = table.key == nil ? [] : [after, limit]
            return try Row.fetchAll(db, sql: "SELECT \(table.columnList) FROM \(table.name) \(page)", arguments: arguments).map { row in
                table.columns.enumerated().map { index, column in
                    guard !row.hasNull(atIndex: index) else { return .null }
                    switch column.kind {
                    case .int: return .int(row[index])
                    case .double: return .double(row[index])
                    case .bool: return .bool(row[index])
                    case .text: return .text(row[index])
                    case .blob: return .blob(row[index])
                    case .date: return .date(row[index])
                    }
                }
            }
        }
    }

    package func transferSequences() async throws(StorageError) -> [String: Int64] {
        try await read { db in
            var sequences: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, seq FROM sqlite_sequence") { sequences[row[0]] = row[1] }
            return sequences
        }
    }
}

extension TransferValue {
    /// The value as GRDB binds it.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case .int(let value): return value.databaseValue
        case .double(let value): return value.databaseValue
        case .bool(let value): return value.databaseValue
        case .text(let value): return value.databaseValue
        case .blob(let value): return value.databaseValue
        case .date(let value): return value.databaseValue
        }
    }
}
