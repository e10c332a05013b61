import Foundation
import HTTPTypes
import Hummingbird
import VigilScreening

/// The officer's console: its pages (embedded, `ConsoleAssets`) under
/// `/console/`, and the sign-in that exchanges a token for a session.
/// The pages are static and hold no data; everything they show comes from
/// the JSON API, with the session cookie standing in for the token.
struct ConsoleRoutes {
    static let csrfHeader = HTTPField.Name.csrfToken

    let service: ScreeningService
    let sessions: ConsoleSessions
    let configuration: DaemonConfiguration

    struct SignIn: Decodable {
        let token: String
        /// The officer at a post (badge or service number): each adjudication names them.
        let officerId: String?
    }

    /// What the page learns of its session: never the token.
    struct SessionView: Encodable {
        let role: String
        let name: String
        let officerId: String?
        let csrf: String
        let expiresIdleSeconds: Int
    }

    func register(on router: Router<VigilRequestContext>) {
        router.get("/") { _, _ in Self.redirect(to: "/console/") }
        // One route for both (the router ignores a trailing slash); the page's relative links need the slash.
        router.get("/console/") { request, _ in
            request.uri.path.hasSuffix("/") ? try Self.asset("index.html") : Self.redirect(to: "/console/")
        }
        router.get("/console/**") { _, context in try Self.asset(context.parameters.getCatchAll().joined(separator: "/")) }
        router.post("/console/session") { request, context in try await signIn(request, context: context) }
        router.get("/console/session") { request, _ in
            guard let (_, session) = try sessions.session(of: request) else { throw VigilError(.unauthorized, "not signed in") }
            return JSONResponse.make(Self.view(session))
        }
        router.delete("/console/session") { request, _ in
            if let (id, session) = try sessions.session(of: request) {
                try session.requireCSRF(request, "signing out needs the session's X-CSRF-Token")
                sessions.close(id)
            }
            var response = JSONResponse.make(["signed_out": true])
            response.headers[.setCookie] = cookie(value: "", maxAge: 0)
            return response
        }
    }

    private func signIn(_ request: Request, context: VigilRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(SignIn.self, from: request, maxBytes: configuration.maxJSONBytes,
                                             allowedKeys: ["token", "officer_id"])
        guard let token = try await service.authenticate(body.token.trimmingCharacters(in: .whitespaces)) else {
            throw VigilError(.unauthorized, "the token is unknown or revoked")
        }
        guard token.role != Role.node.rawValue else {
            throw VigilError(.forbidden, "a node token syncs a post's daemon; it cannot sign in to the console")
        }
        var officer: String?
        if token.role == Role.post.rawValue {
            let given = (body.officerId ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...64).contains(given.count), !given.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw VigilError(.missingField, "an officer signing in at a post gives their officer id (1 to 64 characters)")
            }
            officer = given
        }
        var actor = AuthMiddleware.actor(token)
        actor.requestID = context.id
        try await AuditActor.$current.withValue(actor) { try await service.recordSignIn(officer: officer) }
        let (id, session) = sessions.open(token: token, officer: officer)
        var response = JSONResponse.make(Self.view(session), status: .created)
        response.headers[.setCookie] = cookie(value: id, maxAge: Int(ConsoleSessions.absoluteLimit))
        return response
    }

    /// `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page sends it), `Secure` under TLS.
    private func cookie(value: String, maxAge: Int) -> String {
        "\(ConsoleSessions.cookieName)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (configuration.tls == nil ? "" : "; Secure")
    }

    private static func view(_ session: ConsoleSessions.Session) -> SessionView {
        SessionView(role: session.role, name: session.name, officerId: session.officer, csrf: session.csrf,
                    expiresIdleSeconds: Int(ConsoleSessions.idleLimit))
    }

    private static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    private static func asset(_ path: String) throws(VigilError) -> Response {
        guard let asset = ConsoleAssets.files[path] else { throw VigilError(.notFound, "no such console page") }
        return Response(status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "no-cache"],
                        body: .init(byteBuffer: ByteBuffer(string: asset.body)))
    }
}
