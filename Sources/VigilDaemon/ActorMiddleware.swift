import HTTPTypes
import Hummingbird
import VigilScreening

/// Names the actor of each request for the audit log. Until tokens exist
/// (roles and credentials come with the security work) requests are
/// `http:unauthenticated`; a post may name itself with `X-Vigil-Post`.
struct ActorMiddleware<Context: RequestContext>: RouterMiddleware {
    static var postHeader: HTTPField.Name { HTTPField.Name("X-Vigil-Post")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let post = request.headers[Self.postHeader].map { String($0.prefix(64)) }
        let actor = AuditActor(id: "http:unauthenticated", role: "unauthenticated", post: post)
        return try await AuditActor.$current.withValue(actor) { try await next(request, context) }
    }
}
