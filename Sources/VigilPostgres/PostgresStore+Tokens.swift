import Foundation
import PostgresNIO
import VigilStorage

/// API tokens: only the SHA-256 of each secret is stored.
extension PostgresStore {
    public func issueToken(name: String, role: String, at date: Date) async throws(StorageError) -> IssuedToken {
        let (id, presented, hash) = TokenSecret.issue()
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        try await transaction { db in
            try await db.execute("INSERT INTO api_token (id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                                 [id, name, role, hash, date])
            _ = try await Self.appendAudit(TokenSecret.creationDraft(id: id, role: role), actor: actor, at: date, keys: keys,
                                           checkpointEvery: every, db)
        }
        return IssuedToken(token: APIToken(id: id, name: name, role: role, createdAt: date, revokedAt: nil), secret: presented)
    }

    public func authenticate(_ presented: String) async throws(StorageError) -> APIToken? {
        guard let (id, offered) = TokenSecret.parse(presented) else { return nil }
        let stored = try await read { db -> (APIToken, String)? in
            guard let row = try await db.one("SELECT id, name, role, created_at, revoked_at, secret_hash FROM api_token WHERE id = ?", [id]) else {
                return nil
            }
            return (try Self.token(row), try row.get(5))
        }
        guard let (token, hash) = stored, token.revokedAt == nil, TokenSecret.matches(storedHash: hash, presented: offered) else { return nil }
        return token
    }

    public func liveToken(id: String) async throws(StorageError) -> APIToken? {
        try await read { db in
            try await db.one("SELECT id, name, role, created_at, revoked_at FROM api_token WHERE id = ? AND revoked_at IS NULL", [id]).map(Self.token)
        }
    }

    public func tokens() async throws(StorageError) -> [APIToken] {
        try await read { db in
            try await db.rows("SELECT id, name, role, created_at, revoked_at FROM api_token ORDER BY created_at, id").map(Self.token)
        }
    }

    static func token(_ row: PostgresRandomAccessRow) throws -> APIToken {
        APIToken(id: try row.get(0), name: try row.get(1), role: try row.get(2), createdAt: try row.get(3), revokedAt: try row.get(4))
    }

    public func revokeToken(id: String, at date: Date) async throws(StorageError) -> Bool {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        return try await transaction { db in
            guard !(try await db.rows("UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING 1", [date, id]).isEmpty) else {
                return false
            }
            _ = try await Self.appendAudit(TokenSecret.revocationDraft(id: id), actor: actor, at: date, keys: keys, checkpointEvery: every, db)
            return true
        }
    }

    public func hasLiveToken(role: String) async throws(StorageError) -> Bool {
        try await read { db in
            try await db.value("SELECT EXISTS (SELECT 1 FROM api_token WHERE role = ? AND revoked_at IS NULL)", [role], as: Bool.self) ?? false
        }
    }
}
