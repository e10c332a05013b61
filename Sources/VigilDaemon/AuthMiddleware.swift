import HTTPTypes
import Hummingbird
import VigilScreening

/// Every route but /v1/health needs a bearer token of its role: screenings
/// are the post's, the watchlist the admin's, the log the auditor's. A
/// missing, malformed, unknown or revoked token gets 401 `unauthorized`; a
/// token of another role 403 `forbidden`. The token then names the actor of
/// everything the request records (a post token's name is its post id).
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let service: ScreeningService
    let limiter: RateLimiter

    /// The role a path needs; nil for open routes.
    static func role(for path: String) -> Role? {
        if path == "/v1/health" { return nil }
        if path == "/v1/screenings" || path.hasPrefix("/v1/screenings/") { return .post }
        if path.hasPrefix("/v1/watchlist/") { return .admin }
        if path.hasPrefix("/v1/audit/") { return .auditor }
        // Unknown routes: a valid token of any role first, so they reveal nothing.
        return .admin
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let token = try await presentedToken(request)
        guard let needed = Self.role(for: path) else {
            return try await AuditActor.$current.withValue(token.map(Self.actor) ?? AuditActor.anonymous) { try await next(request, context) }
        }
        guard let token else { throw VigilError(.unauthorized, "send 'Authorization: Bearer <token>' with a live token") }
        let known = path.hasPrefix("/v1/screenings") || path.hasPrefix("/v1/watchlist/") || path.hasPrefix("/v1/audit/")
        guard !known || token.role == needed.rawValue else {
            throw VigilError(.forbidden, "this route needs the \(needed.rawValue) role")
        }
        try limiter.admit(token.id)
        return try await AuditActor.$current.withValue(Self.actor(token)) { try await next(request, context) }
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
        AuditActor(id: token.id, role: token.role, post: token.role == Role.post.rawValue ? token.name : nil)
    }
}

extension AuditActor {
    /// A caller without a token (open routes only).
    static let anonymous = AuditActor(id: "anonymous", role: "anonymous")
}
