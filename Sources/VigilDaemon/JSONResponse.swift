import Foundation
import Hummingbird
import VigilScreening

/// Builds JSON responses with Vigil's encoding conventions.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let body: Data
        do {
            body = try VigilJSON.encoder().encode(value)
        } catch {
            return make(error: VigilError(.internalError, "the response could not be encoded"))
        }
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable { let code: String; let message: String }
        let error: Detail
    }

    static func make(error: VigilError) -> Response {
        make(ErrorBody(error: .init(code: error.code.rawValue, message: error.message)), status: status(of: error.kind))
    }

    static func status(of kind: VigilError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: return .badRequest
        case .unauthorized: return .unauthorized
        case .forbidden: return .forbidden
        case .unprocessable: return .unprocessableContent
        case .conflict: return .conflict
        case .tooManyRequests: return .tooManyRequests
        case .payloadTooLarge: return .contentTooLarge
        case .unsupportedMediaType: return .unsupportedMediaType
        case .notFound: return .notFound
        case .methodNotAllowed: return .methodNotAllowed
        case .unavailable: return .serviceUnavailable
        case .internalFailure: return .internalServerError
        }
    }
}
