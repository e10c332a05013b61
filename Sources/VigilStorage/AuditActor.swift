/// Who did something, as the audit log names them. Set per request (the
/// daemon) or per process (the CLI) with `AuditActor.$current.withValue`;
/// every record written inside takes it.
public struct AuditActor: Sendable, Codable, Equatable {
    /// Token id (or `cli:<user>`, `system`).
    public var id: String
    public var role: String
    /// The border post, for screenings and adjudications.
    public var post: String?
    /// The HTTP request that did it (also in the response's `X-Request-Id`
    /// and the daemon's log lines), so an operator can follow one request
    /// from the log to the audit trail.
    public var requestID: String?

    public init(id: String, role: String, post: String? = nil, requestID: String? = nil) {
        self.id = id
        self.role = role
        self.post = post
        self.requestID = requestID
    }

    /// Vigil itself: start-up purges, periodic retention, checkpoints.
    public static let system = AuditActor(id: "system", role: "system")

    @TaskLocal public static var current: AuditActor = .system
}
