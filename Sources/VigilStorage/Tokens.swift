import Foundation

/// An API credential as stored: only the SHA-256 of its secret.
public struct APIToken: Sendable, Codable, Equatable {
    public let id: String
    public let name: String
    public let role: String
    public let createdAt: Date
    public let revokedAt: Date?

    // Package-wide: the storage backends are other modules.
    package init(id: String, name: String, role: String, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A token as issued: shown once, then only its hash remains.
public struct IssuedToken: Sendable, Equatable {
    public let token: APIToken
    /// `vigil_<id>_<secret>`.
    public let secret: String

    // Package-wide: the storage backends are other modules.
    package init(token: APIToken, secret: String) {
        self.token = token
        self.secret = secret
    }
}

/// How token secrets are made, shown and checked, the same in every
/// backend: `vigil_<12 hex id>_<64 hex secret>`; only the secret's SHA-256
/// is stored.
package enum TokenSecret {
    package static let prefix = "vigil_"

    /// A new token's id, its secret as shown once, and the hash to store.
    package static func issue() -> (id: String, presented: String, hash: String) {
        var generator = SystemRandomNumberGenerator()
        let id = Hex.encode((0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let secret = Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return (id, "\(prefix)\(id)_\(secret)", TemplateDigest.hex(Data(secret.utf8)))
    }

    /// The token id and the SHA-256 of the secret a presented credential
    /// carries; nil when it is not of the form.
    package static func parse(_ presented: String) -> (id: String, hash: [UInt8])? {
        guard presented.hasPrefix(prefix) else { return nil }
        let parts = presented.dropFirst(prefix.count).split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 12, let hash = Hex.decode(TemplateDigest.hex(Data(parts[1].utf8))) else { return nil }
        return (String(parts[0]), hash)
    }

    /// Whether a stored hash (hex) equals the presented one, in constant time.
    package static func matches(storedHash: String, presented: [UInt8]) -> Bool {
        guard let expected = Hex.decode(storedHash) else { return false }
        return ConstantTime.equal(expected, presented)
    }
}

extension TokenSecret {
    /// The audit record of a token's creation (never its secret).
    package static func creationDraft(id: String, role: String) -> AuditDraft {
        AuditDraft(action: "token.create", subject: id, result: "{\"token_id\":\"\(id)\",\"role\":\"\(role)\"}")
    }

    package static func revocationDraft(id: String) -> AuditDraft {
        AuditDraft(action: "token.revoke", subject: id, result: "{\"token_id\":\"\(id)\"}")
    }
}
