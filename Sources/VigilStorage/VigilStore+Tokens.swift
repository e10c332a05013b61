import Crypto
import Foundation
import GRDB

/// An API credential as stored: only the SHA-256 of its secret.
public struct APIToken: Sendable, Codable, Equatable {
    public let id: String
    public let name: String
    public let role: String
    public let createdAt: Date
    public let revokedAt: Date?
}

/// A token as issued: shown once, then only its hash remains.
public struct IssuedToken: Sendable, Equatable {
    public let token: APIToken
    /// `vigil_<id>_<secret>`.
    public let secret: String
}

extension VigilStore {
    public static let tokenPrefix = "vigil_"

    /// Issues a token (random 256-bit secret); the change is audited.
    public func issueToken(name: String, role: String, at date: Date = Date()) async throws(StorageError) -> IssuedToken {
        let id = Hex.encode((0..<6).map { _ in UInt8.random(in: 0...255) })
        var generator = SystemRandomNumberGenerator()
        let secret = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let token = APIToken(id: id, name: name, role: role, createdAt: date, revokedAt: nil)
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        try await write { db in
            try db.execute(sql: "INSERT INTO api_token (id, name, role, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, name, role, TemplateDigest.hex(Data(secret.utf8)), date])
            let result = "{\"token_id\":\"\(id)\",\"role\":\"\(role)\"}"
            _ = try Self.appendAudit(AuditDraft(action: "token.create", subject: id, result: result), actor: actor, at: date,
                                     keys: keys, checkpointEvery: every, db)
        }
        return IssuedToken(token: token, secret: "\(Self.tokenPrefix)\(id)_\(secret)")
    }

    /// The live token a presented credential belongs to, or nil. The
    /// secret's hash is compared in constant time.
    public func authenticate(_ presented: String) async throws(StorageError) -> APIToken? {
        guard presented.hasPrefix(Self.tokenPrefix) else { return nil }
        let parts = presented.dropFirst(Self.tokenPrefix.count).split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 12 else { return nil }
        let id = String(parts[0]), offered = Hex.decode(TemplateDigest.hex(Data(parts[1].utf8))) ?? []
        let stored = try await read { db -> (APIToken, String)? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, name, role, created_at, revoked_at, secret_hash FROM api_token WHERE id = ?
                """, arguments: [id]) else { return nil }
            return (Self.token(row), row[5])
        }
        guard let (token, hash) = stored, token.revokedAt == nil, let expected = Hex.decode(hash),
              ConstantTime.equal(expected, offered) else { return nil }
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
    public func revokeToken(id: String, at date: Date = Date()) async throws(StorageError) -> Bool {
        let actor = AuditActor.current, keys = self.keys, every = checkpointEvery
        return try await write { db in
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [date, id])
            guard db.changesCount == 1 else { return false }
            _ = try Self.appendAudit(AuditDraft(action: "token.revoke", subject: id, result: "{\"token_id\":\"\(id)\"}"),
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
