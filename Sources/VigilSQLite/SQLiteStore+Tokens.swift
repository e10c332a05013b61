import Crypto
import Foundation
import GRDB
import VigilStorage

extension SQLiteStore {
    /// Issues a token (random 256-bit secret); the change is audited.
    public func issueToken(name: String, role: String, at date: Date) async throws(StorageError) -> IssuedToken {
        let (id, presented, hash) = TokenSecret.issue()
        let token = APIToken(id: id, name: name, role: role, createdAt: date, revokedAt: nil)
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        try await write { db in
            try db.execute(sql: "INSERT INTO api_token (id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, name, role, hash, date])
            _ = try Self.appendAudit(TokenSecret.creationDraft(id: id, role: role), actor: actor, at: date,
                                     keys: keys, checkpointEvery: every, db)
        }
        return IssuedToken(token: token, secret: presented)
    }

    /// The live token a presented credential belongs to, or nil. The
    /// secret's hash is compared in constant time.
    public func authenticate(_ presented: String) async throws(StorageError) -> APIToken? {
        guard let (id, offered) = TokenSecret.parse(presented) else { return nil }
        let stored = try await read { db -> (APIToken, String)? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, name, role, created_at, revoked_at, secret_hash FROM api_token WHERE id = ?
                """, arguments: [id]) else { return nil }
            return (Self.token(row), row[5])
        }
        guard let (token, hash) = stored, token.revokedAt == nil,
              TokenSecret.matches(storedHash: hash, presented: offered) else { return nil }
        return token
    }

    /// The token with this id if it is live (a console session re-checks its token on every request).
    public func liveToken(id: String) async throws(StorageError) -> APIToken? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT id, name, role, created_at, revoked_at FROM api_token WHERE id = ? AND revoked_at IS NULL",
                             arguments: [id]).map(Self.token)
        }
    }

    public func tokens() async throws(StorageError) -> [APIToken] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, role, created_at, revoked_at FROM api_token ORDER BY created_at").map(Self.token)
        }
    }

    /// A token from `id, name, role, created_at, revoked_at`.
    static func token(_ row: Row) -> APIToken {
        APIToken(id: row[0], name: row[1], role: row[2], createdAt: row[3], revokedAt: row[4])
    }

    /// Revokes a token at once; returns false for an unknown or revoked id.
    public func revokeToken(id: String, at date: Date) async throws(StorageError) -> Bool {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        return try await write { db in
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [date, id])
            guard db.changesCount == 1 else { return false }
            _ = try Self.appendAudit(TokenSecret.revocationDraft(id: id),
                                     actor: actor, at: date, keys: keys, checkpointEvery: every, db)
            return true
        }
    }

    /// Whether any live token has this role.
    public func hasLiveToken(role: String) async throws(StorageError) -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM api_token WHERE role = ? AND revoked_at IS NULL)", arguments: [role]) ?? false
        }
    }
}
