import Foundation
import PostgresNIO
import VigilStorage

extension TransferValue: SQLValue {
    func bind(into b: inout PostgresBindings) {
        switch self {
        case .null: b.appendNull()
        case .int(let value): value.bind(into: &b)
        case .double(let value): value.bind(into: &b)
        case .bool(let value): value.bind(into: &b)
        case .text(let value): value.bind(into: &b)
        case .blob(let value): value.bind(into: &b)
        case .date(let value): value.bind(into: &b)
        }
    }
}

extension PostgresStore: TransferTarget {
    package func isEmptyForTransfer() async throws(StorageError) -> Bool {
        try await read { db in
            try await db.value("""
                SELECT (SELECT version FROM watchlist_head) = 0 AND (SELECT seq FROM audit_head) = 0
                   AND NOT EXISTS (SELECT 1 FROM api_token) AND NOT EXISTS (SELECT 1 FROM screening)
                """, as: Bool.self) ?? false
        }
    }

    package func insertTransferred(_ table: TransferTable, rows: [[TransferValue]]) async throws(StorageError) {
        guard !rows.isEmpty else { return }
        let placeholders = "(" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
        // Seeded categories are replaced by the source's, which administrators may have changed.
        let conflict = table.name == "category" ? """
             ON CONFLICT (name) DO UPDATE SET description = excluded.description, protective = excluded.protective,
              match_threshold = excluded.match_threshold, confirmations = excluded.confirmations, action = excluded.action,
              target_fpir = excluded.target_fpir
            """ : ""
        try await transaction { db in
            for chunk in stride(from: 0, to: rows.count, by: 200).map({ Array(rows[$0..<min(rows.count, $0 + 200)]) }) {
                try await db.execute("""
                    INSERT INTO \(table.name) (\(table.columnList)) VALUES \(Array(repeating: placeholders, count: chunk.count).joined(separator: ", "))\(conflict)
                    """, chunk.flatMap { $0 })
            }
        }
    }

    package func finishTransfer(sequences: [String: Int64]) async throws(StorageError) {
        try await transaction { db in
            try await db.execute("UPDATE watchlist_head SET version = (SELECT COALESCE(MAX(version), 0) FROM watchlist_event) WHERE id = 1")
            try await db.execute("""
                UPDATE audit_head SET seq = last.seq, hash = last.hash
                FROM (SELECT seq, hash FROM audit_record ORDER BY seq DESC LIMIT 1) AS last WHERE audit_head.id = 1
                """)
            for (table, column) in [("watchlist_entry", "key"), ("face_template", "id"), ("finger_template", "id"), ("adjudication", "id"),
                                    ("category", "ordinal")] {
                try await db.execute("""
                    SELECT setval(pg_get_serial_sequence('\(table)', '\(column)'), GREATEST((SELECT COALESCE(MAX(\(column)), 0) FROM \(table)), ?, 1))
                    """, [sequences[table] ?? 0])
            }
        }
    }
}
