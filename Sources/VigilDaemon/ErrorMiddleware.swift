import Hummingbird
import Logging
import Metrics
import NIOCore
import VigilScreening

/// Turns every error into the JSON error body `{ "error": { "code", "message" } }`
/// with a stable code, including the framework's own (unknown route, body too
/// large), and logs the request without its body.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let refusal: VigilError
        do {
            return try await next(request, context)
        } catch let error as VigilError {
            log(error, request, context)
            refusal = error
        } catch is NIOTooManyBytesError {
            refusal = VigilError(.payloadTooLarge, "the request body is too large")
        } catch let error as HTTPError {
            refusal = Self.translate(error.status)
        } catch {
            context.logger.error("unhandled error", metadata: ["path": "\(request.uri.path)", "type": "\(type(of: error))"])
            refusal = VigilError(.internalError, "the request could not be completed")
        }
        Counter(label: "vigil_http_rejected_requests_total", dimensions: [("code", refusal.code.rawValue)]).increment()
        return JSONResponse.make(error: refusal)
    }

    static func translate(_ status: HTTPResponse.Status) -> VigilError {
        switch status {
        case .notFound: return VigilError(.notFound, "no such route")
        case .methodNotAllowed: return VigilError(.methodNotAllowed, "method not allowed on this route")
        case .contentTooLarge: return VigilError(.payloadTooLarge, "the request body is too large")
        case .unsupportedMediaType: return VigilError(.unsupportedMediaType, "unsupported content type")
        default:
            return status.code < 500 ? VigilError(.malformedJSON, status.reasonPhrase) : VigilError(.internalError, "the request could not be completed")
        }
    }

    private func log(_ error: VigilError, _ request: Request, _ context: Context) {
        let level: Logger.Level = error.kind == .internalFailure ? .error : .info
        context.logger.log(level: level, "request rejected",
                           metadata: ["path": "\(request.uri.path)", "code": "\(error.code.rawValue)"])
    }
}
