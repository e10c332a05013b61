import Foundation
import PostgresNIO
import VigilStorage

/// Screenings and adjudications, each with its audit record in one transaction.
extension PostgresStore {
    public func record(_ screening: ScreeningRecord, audit: AuditDraft?) async throws(StorageError) {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        try await transaction { db in
            if let audit {
                _ = try await Self.appendAudit(audit, actor: actor, at: screening.recordedAt, keys: keys, checkpointEvery: every, db)
            }
            try await db.execute("""
                INSERT INTO screening (id, recorded_at, watchlist_version, decision, face_count, result, post_token)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [screening.id.uuidString, screening.recordedAt, screening.watchlistVersion, screening.decision,
                      screening.faceCount, screening.resultJSON, actor.role == "post" ? actor.id : nil])
        }
    }

    public func screeningsWithCandidates(post: String, limit: Int, offset: Int) async throws(StorageError) -> [StoredScreening] {
        try await read { db in
            var screenings: [StoredScreening] = []
            for row in try await db.rows("""
                SELECT s.id FROM screening s JOIN api_token t ON t.id = s.post_token
                WHERE t.name = ? AND t.role = 'post' AND s.decision = 'review_required' ORDER BY s.recorded_at DESC, s.id LIMIT ? OFFSET ?
                """, [post, limit, offset]) {
                if let id = UUID(uuidString: try row.get(0)), let screening = try await Self.screening(id: id, db) { screenings.append(screening) }
            }
            return screenings
        }
    }

    public func screening(id: UUID) async throws(StorageError) -> StoredScreening? {
        try await read { db in try await Self.screening(id: id, db) }
    }

    static func screening(id: UUID, _ db: SQLConnection) async throws -> StoredScreening? {
        guard let row = try await db.one("""
            SELECT s.recorded_at, s.post_token, s.result, t.name FROM screening s LEFT JOIN api_token t ON t.id = s.post_token WHERE s.id = ?
            """, [id.uuidString]) else { return nil }
        let adjudications = try await db.rows("""
            SELECT entry_id, officer_id, outcome, post_token, recorded_at FROM adjudication WHERE screening_id = ? ORDER BY id
            """, [id.uuidString]).map {
            Adjudication(entryId: UUID(uuidString: try $0.get(0)) ?? UUID(), officerId: try $0.get(1), outcome: try $0.get(2),
                         postToken: try $0.get(3), recordedAt: try $0.get(4))
        }
        return StoredScreening(id: id, recordedAt: try row.get(0), postToken: try row.get(1), post: try row.get(3),
                               resultJSON: try row.get(2), adjudications: adjudications)
    }

    public func adjudicate(screening id: UUID, _ adjudication: Adjudication,
                           summary: @escaping @Sendable (StoredScreening) -> String) async throws(StorageError) -> StoredScreening {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        return try await transaction { db in
            // The screening row, locked: two officers adjudicating at once on two nodes are ordered.
            _ = try await db.one("SELECT id FROM screening WHERE id = ? FOR UPDATE", [id.uuidString])
            if adjudication.outcome == "confirmed", try await db.value("""
                SELECT EXISTS (SELECT 1 FROM adjudication WHERE screening_id = ? AND entry_id = ? AND officer_id = ? AND outcome = 'confirmed')
                """, [id.uuidString, adjudication.entryId.uuidString, adjudication.officerId], as: Bool.self) == true {
                throw StorageError.alreadyConfirmed(officer: adjudication.officerId)
            }
            try await db.execute("""
                INSERT INTO adjudication (screening_id, entry_id, officer_id, outcome, post_token, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [id.uuidString, adjudication.entryId.uuidString, adjudication.officerId, adjudication.outcome,
                      adjudication.postToken, adjudication.recordedAt])
            guard let screening = try await Self.screening(id: id, db) else { throw StorageError.database("screening vanished") }
            let draft = AuditDraft(action: "adjudication", subject: id.uuidString, outcome: adjudication.outcome, result: summary(screening))
            _ = try await Self.appendAudit(draft, actor: actor, at: adjudication.recordedAt, keys: keys, checkpointEvery: every, db)
            return screening
        }
    }
}
