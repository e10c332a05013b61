import HTTPTypes
import Hummingbird
import VigilScreening

/// Every route but /v1/health needs a bearer token of its role: screenings
/// are the post's, the watchlist the admin's, the log the auditor's. A
/// missing, malformed, unknown or revoked token gets 401 `unauthorized`; a
/// token of another role 403 `forbidden`. The token then names the actor of
/// everything the request records (a post token's name is its post id).
///
/// The console presents a session cookie instead (`ConsoleSessions`): its
/// token is re-checked on every request, so revoking the token ends the
/// session, and a state-changing request must echo the session's CSRF
/// secret in `X-CSRF-Token`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    let service: ScreeningService
    let sessions: ConsoleSessions
    let limiter: RateLimiter
    /// `/metrics` open to every address, not only loopback.
    let publicMetrics: Bool

    enum Access: Equatable {
        case open
        case role(Role)
        /// Unknown routes: a live token of any role first, so they reveal nothing.
        case anyToken
    }

    /// What a path needs: the one place routes are mapped to roles.
    /// `/metrics` is open to loopback (a local Prometheus agent) unless made
    /// public; from elsewhere it needs an admin token.
    static func access(for path: String, fromLoopback: Bool = false, publicMetrics: Bool = false) -> Access {
        if ["/v1/health", "/v1/health/ready", "/v1/openapi.json", "/"].contains(path) { return .open }
        // The console's pages and its sign-in: the pages hold no data, the sign-in checks its token itself.
        if path == "/console" || path.hasPrefix("/console/") { return .open }
        if path == "/metrics" { return fromLoopback || publicMetrics ? .open : .role(.admin) }
        if path == "/v1/screenings" || path.hasPrefix("/v1/screenings/") || path == "/v1/verifications" { return .role(.post) }
        if path.hasPrefix("/v1/watchlist/") { return .role(.admin) }
        if path.hasPrefix("/v1/audit/") { return .role(.auditor) }
        // A post's daemon at headquarters: the sync routes and nothing else.
        if path.hasPrefix("/v1/sync/") { return .role(.node) }
        return .anyToken
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let access = Self.access(for: request.uri.path, fromLoopback: context.fromLoopback, publicMetrics: publicMetrics)
        var token = try await presentedToken(request)
        if token == nil, access != .open, let session = try await sessionToken(request) {
            token = session.token
            context.officer = session.officer
        }
        if access != .open {
            guard let token else { throw VigilError(.unauthorized, "send 'Authorization: Bearer <token>' with a live token") }
            if case .role(let needed) = access, token.role != needed.rawValue {
                throw VigilError(.forbidden, "this route needs the \(needed.rawValue) role")
            }
            try limiter.admit(token.id)
        }
        var actor = token.map(Self.actor) ?? AuditActor.anonymous
        actor.requestID = context.id
        return try await AuditActor.$current.withValue(actor) { try await next(request, context) }
    }

    /// The live token behind a console session cookie, with its officer;
    /// nil without a cookie. A state-changing request without the session's
    /// CSRF secret is refused.
    private func sessionToken(_ request: Request) async throws(VigilError) -> (token: APIToken, officer: String?)? {
        guard let (_, session) = try sessions.session(of: request) else { return nil }
        guard let token = try await service.liveToken(id: session.tokenID) else {
            sessions.close(tokenID: session.tokenID)
            throw VigilError(.unauthorized, "the session's token was revoked: sign in again")
        }
        if ![.get, .head, .options].contains(request.method) {
            try session.requireCSRF(request, "a console request that changes something must carry the session's X-CSRF-Token")
        }
        return (token, session.officer)
    }

    private func presentedToken(_ request: Request) async throws(VigilError) -> APIToken? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw VigilError(.unauthorized, "send 'Authorization: Bearer <token>'")
        }
        guard let token = try await service.authenticate(String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw VigilError(.unauthorized, "the token is unknown or revoked")
        }
        return token
    }

    static func actor(_ token: APIToken) -> AuditActor {
        // A node token's name is the post it syncs (its clearance and its records).
        AuditActor(id: token.id, role: token.role,
                   post: token.role == Role.post.rawValue || token.role == Role.node.rawValue ? token.name : nil)
    }
}

extension AuditActor {
    /// A caller without a token (open routes only).
    static let anonymous = AuditActor(id: "anonymous", role: "anonymous")
}
