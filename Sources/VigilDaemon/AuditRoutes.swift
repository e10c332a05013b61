import Foundation
import Hummingbird
import VigilScreening

/// The auditor's HTTP routes: records, verification, replay, public key.
struct AuditRoutes {
    let service: ScreeningService
    let configuration: DaemonConfiguration

    struct VerifyRequest: Decodable { let publicKey: String? }
    struct ReplayRequest: Decodable { let from: Int64?; let to: Int64? }

    func register(on router: Router<VigilRequestContext>) {
        router.get("/v1/audit/records") { request, _ in
            let query = try PageQuery(request)
            let from = try query.integer("from", default: 1, range: 1...Int(Int64.max))
            let to = try query.integer("to", default: Int(Int64.max), range: 1...Int(Int64.max))
            let records = try await service.auditRecords(from: Int64(from), to: Int64(to), actor: query.text("actor"),
                                                         action: query.text("action"), limit: query.limit)
            return JSONResponse.make(["records": records])
        }
        router.post("/v1/audit/verify") { request, _ in
            let body = try await optionalBody(VerifyRequest.self, request, keys: ["public_key"])
            let key = try body?.publicKey.map { hex throws(VigilError) in
                guard let bytes = Hex.decode(hex), bytes.count == 32 else {
                    throw VigilError(.invalidField, "public_key must be 64 hex characters")
                }
                return bytes
            }
            return JSONResponse.make(try await service.verifyAudit(publicKey: key))
        }
        router.post("/v1/audit/replay") { request, _ in
            let body = try await optionalBody(ReplayRequest.self, request, keys: ["from", "to"])
            return JSONResponse.make(try await service.replay(from: body?.from ?? 1, to: body?.to ?? .max))
        }
        router.get("/v1/audit/public-key") { _, _ in
            JSONResponse.make(["public_key": Hex.encode(service.auditPublicKey)])
        }
    }

    /// A JSON body when one is sent; none is fine.
    private func optionalBody<T: Decodable>(_ type: T.Type, _ request: Request, keys: Set<String>) async throws(VigilError) -> T? {
        if request.headers[.contentLength] == "0" || (request.headers[.contentType] == nil && request.headers[.contentLength] == nil) {
            return nil
        }
        return try await JSONBody.decode(type, from: request, maxBytes: configuration.maxJSONBytes, allowedKeys: keys)
    }
}
