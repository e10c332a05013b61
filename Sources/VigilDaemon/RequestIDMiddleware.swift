import HTTPTypes
import Hummingbird

/// Returns the request's id (Hummingbird's, already on every log line of
/// the request as `hb.request.id`) in `X-Request-Id`; the audit record the
/// request writes carries it too.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext
    static let header = HTTPField.Name("X-Request-Id")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.header] = context.id
        return response
    }
}
