import Foundation
import VigilStorage

/// The roles. A post screens and adjudicates its own screenings; an admin
/// keeps the watchlist; an auditor reads, verifies and replays the log; a
/// node is a post's daemon syncing with headquarters (the sync routes only,
/// never the console).
public enum Role: String, Sendable, Codable, CaseIterable {
    case post, admin, auditor, node
}

public typealias APIToken = VigilStorage.APIToken
public typealias IssuedToken = VigilStorage.IssuedToken

/// Credentials: tokens are shown once and stored only as a hash.
extension ScreeningService {
    public func issueToken(name raw: String, role: Role) async throws(VigilError) -> IssuedToken {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 64, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw VigilError(.invalidField, "a token name holds 1 to 64 characters")
        }
        do { return try await store.issueToken(name: name, role: role.rawValue, at: configuration.clock()) } catch {
            throw storageFailure(error, "token creation")
        }
    }

    /// The live token behind a presented secret, or nil (unknown, malformed, revoked).
    public func authenticate(_ presented: String) async throws(VigilError) -> APIToken? {
        guard presented.count <= 128 else { return nil }
        do { return try await store.authenticate(presented) } catch { throw storageFailure(error, "authentication") }
    }

    /// A console sign-in, in the audit log under the signing-in token: who
    /// and when, and at a post which officer (their adjudications name them too).
    public func recordSignIn(officer: String?) async throws(VigilError) {
        let context = officer.map { "{\"officer_id\":\"\(Self.jsonEscaped($0))\"}" } ?? "{}"
        do {
            _ = try await store.audit(AuditDraft(action: AuditAction.consoleSignIn, subject: AuditActor.current.id, outcome: "signed_in",
                                                 context: context, result: context))
        } catch {
            throw storageFailure(error, "sign-in record")
        }
    }

    /// The token with this id while it is live, else nil (revoked or unknown).
    public func liveToken(id: String) async throws(VigilError) -> APIToken? {
        do { return try await store.liveToken(id: id) } catch { throw storageFailure(error, "authentication") }
    }

    public func tokens() async throws(VigilError) -> [APIToken] {
        do { return try await store.tokens() } catch { throw storageFailure(error, "token listing") }
    }

    public func revokeToken(id: String) async throws(VigilError) {
        let revoked: Bool
        do { revoked = try await store.revokeToken(id: id, at: configuration.clock()) } catch { throw storageFailure(error, "revocation") }
        guard revoked else { throw VigilError(.notFound, "no live token '\(id.prefix(20))'") }
    }

    /// A first admin token when none is live (a fresh deployment), else nil:
    /// never a default password.
    public func firstAdminToken() async throws(VigilError) -> IssuedToken? {
        do {
            guard try await !store.hasLiveToken(role: Role.admin.rawValue) else { return nil }
        } catch {
            throw storageFailure(error, "token check")
        }
        return try await issueToken(name: "first admin", role: .admin)
    }
}

extension ScreeningService {
    /// Adds a data key and re-seals every template under it (`vigil keys rotate`).
    public func rotateDataKey(progress: (Int) -> Void = { _ in }) async throws(VigilError) -> UInt32 {
        do { return try await store.rotateDataKey(batch: 500, progress: progress) } catch .keyUnusable(let reason) {
            throw VigilError(.invalidField, reason)
        } catch {
            throw storageFailure(error, "key rotation")
        }
    }
}
