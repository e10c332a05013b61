import HTTPTypes
import Hummingbird

/// Headers every response carries, the API's and the console's alike: the
/// console's pages load only their own script and style (no inline code,
/// nothing from elsewhere: a post may be offline, and injected markup must
/// not run), may not be framed, and leak no URL to other sites. Responses
/// are not cached: they hold watchlist data or a session's secrets.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String {
        ["default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' blob:", "media-src 'self' blob:",
         "connect-src 'self'", "form-action 'self'", "base-uri 'none'", "frame-ancestors 'none'"].joined(separator: "; ")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.referrerPolicy] = "no-referrer"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let csrfToken = Self("X-CSRF-Token")!
}
