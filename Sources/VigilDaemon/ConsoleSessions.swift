import Foundation
import Hummingbird
import Synchronization
import VigilScreening
import VigilStorage

/// The console's sign-ins: a token presented once is exchanged for a
/// session, a random id in an `HttpOnly`, `SameSite=Strict` cookie, so the
/// token itself never lands in the page, in storage or in a URL. Sessions
/// live in memory (a restart signs everyone out) and are keyed by the
/// SHA-256 of their id, so even this process's memory holds no usable
/// cookie. Each carries a CSRF secret the page echoes in a header on every
/// state-changing request.
final class ConsoleSessions: Sendable {
    struct Session: Sendable {
        let tokenID: String
        let role: String
        /// The token's name: the post id for a post, a person or office otherwise.
        let name: String
        /// The officer signed in at a post (recorded with each adjudication).
        let officer: String?
        let csrf: String
        let created: Date
        var lastSeen: Date

        /// Refuses a request without this session's `X-CSRF-Token` (compared in constant time).
        func requireCSRF(_ request: Request, _ refusal: String) throws(VigilError) {
            guard let presented = request.headers[ConsoleRoutes.csrfHeader],
                  ConstantTime.equal(Array(presented.utf8), Array(csrf.utf8)) else { throw VigilError(.forbidden, refusal) }
        }
    }

    /// A session ends after this long without a request...
    static let idleLimit: TimeInterval = 30 * 60
    /// ...and after a working day in any case.
    static let absoluteLimit: TimeInterval = 12 * 60 * 60
    /// Bounded so a flood of sign-ins cannot grow memory without limit; the oldest go first.
    static let capacity = 10_000
    static let cookieName = "vigil_session"

    private let sessions = Mutex<[String: Session]>([:])
    private let clock: @Sendable () -> Date

    init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    /// A new session for a live token; returns the cookie value and the session.
    func open(token: APIToken, officer: String?) -> (id: String, session: Session) {
        let id = Self.randomSecret(), now = clock()
        let session = Session(tokenID: token.id, role: token.role, name: token.name, officer: officer,
                              csrf: Self.randomSecret(), created: now, lastSeen: now)
        sessions.withLock { sessions in
            sessions = sessions.filter { !Self.expired($0.value, now: now) }
            if sessions.count >= Self.capacity, let oldest = sessions.min(by: { $0.value.created < $1.value.created })?.key {
                sessions[oldest] = nil
            }
            sessions[Self.key(id)] = session
        }
        return (id, session)
    }

    /// The session a request's cookie names, touched, with the cookie's value;
    /// nil without a cookie. An unknown or expired one is refused.
    func session(of request: Request) throws(VigilError) -> (id: String, session: Session)? {
        guard let id = request.cookies[Self.cookieName]?.value, !id.isEmpty else { return nil }
        guard let session = session(id) else { throw VigilError(.unauthorized, "the session has ended: sign in again") }
        return (id, session)
    }

    /// The live session behind a cookie value, touched; nil when unknown or expired.
    private func session(_ id: String) -> Session? {
        let now = clock(), key = Self.key(id)
        return sessions.withLock { sessions in
            guard var session = sessions[key] else { return nil }
            guard !Self.expired(session, now: now) else {
                sessions[key] = nil
                return nil
            }
            session.lastSeen = now
            sessions[key] = session
            return session
        }
    }

    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: Self.key(id)) }
    }

    /// Ends every session of a token (revoked, or no longer live).
    func close(tokenID: String) {
        sessions.withLock { $0 = $0.filter { $0.value.tokenID != tokenID } }
    }

    private static func expired(_ session: Session, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeen) > idleLimit || now.timeIntervalSince(session.created) > absoluteLimit
    }

    private static func key(_ id: String) -> String {
        TemplateDigest.hex(Data(id.utf8))
    }

    /// 256 random bits, URL-safe base64 without padding.
    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
