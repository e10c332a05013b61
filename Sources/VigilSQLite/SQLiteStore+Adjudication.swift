import Foundation
import GRDB
import VigilStorage

extension SQLiteStore {
    /// A post's screenings that drew candidates, made with any of its tokens, newest first (its adjudication queue).
    public func screeningsWithCandidates(post: String, limit: Int, offset: Int) async throws(StorageError) -> [StoredScreening] {
        try await read { db in
            try String.fetchAll(db, sql: """
                SELECT s.id FROM screening s JOIN api_token t ON t.id = s.post_token
                WHERE t.name = ? AND t.role = 'post' AND s.decision = 'review_required' ORDER BY s.recorded_at DESC, s.id LIMIT ? OFFSET ?
                """, arguments: [post, limit, offset]).compactMap { text in
                try UUID(uuidString: text).flatMap { try Self.screening(id: $0, db) }
            }
        }
    }

    public func screening(id: UUID) async throws(StorageError) -> StoredScreening? {
        try await read { db in try Self.screening(id: id, db) }
    }

    static func screening(id: UUID, _ db: Database) throws -> StoredScreening? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT s.recorded_at, s.post_token, s.result, t.name FROM screening s LEFT JOIN api_token t ON t.id = s.post_token WHERE s.id = ?
            """, arguments: [id.uuidString]) else { return nil }
        let adjudications = try Row.fetchAll(db, sql: """
            SELECT entry_id, officer_id, outcome, post_token, recorded_at FROM adjudication WHERE screening_id = ? ORDER BY id
            """, arguments: [id.uuidString]).map {
            Adjudication(entryId: UUID(uuidString: $0[0]) ?? UUID(), officerId: $0[1], outcome: $0[2], postToken: $0[3], recordedAt: $0[4])
        }
        return StoredScreening(id: id, recordedAt: row[0], postToken: row[1], post: row[3], resultJSON: row[2], adjudications: adjudications)
    }

    /// Stores an adjudication and its audit record in one transaction;
    /// `summary` describes the screening's state after it, for the log.
    public func adjudicate(screening id: UUID, _ adjudication: Adjudication,
                           summary: @escaping @Sendable (StoredScreening) -> String) async throws(StorageError) -> StoredScreening {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        return try await write { db in
            if adjudication.outcome == "confirmed", try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM adjudication WHERE screening_id = ? AND entry_id = ? AND officer_id = ? AND outcome = 'confirmed')
                """, arguments: [id.uuidString, adjudication.entryId.uuidString, adjudication.officerId]) == true {
                throw StorageError.alreadyConfirmed(officer: adjudication.officerId)
            }
            try db.execute(sql: """
                INSERT INTO adjudication (screening_id, entry_id, officer_id, outcome, post_token, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id.uuidString, adjudication.entryId.uuidString, adjudication.officerId, adjudication.outcome,
                                 adjudication.postToken, adjudication.recordedAt])
            guard let screening = try Self.screening(id: id, db) else { throw StorageError.database("screening vanished") }
            let draft = AuditDraft(action: "adjudication", subject: id.uuidString, outcome: adjudication.outcome, result: summary(screening))
            _ = try Self.appendAudit(draft, actor: actor, at: adjudication.recordedAt, keys: keys, checkpointEvery: every, db)
            return screening
        }
    }
}
