import Foundation
import CompressNIO
import Hummingbird
import Metrics
import ServiceLifecycle
import VigilScreening

/// Headquarters' routes for posts (role `node`): signed pages of the
/// watchlist down, the post's audit chain up. The node token's name is the post.
struct SyncRoutes {
    let service: ScreeningService
    let configuration: DaemonConfiguration

    /// An upload of 500 records with their screening results is a few MB.
    static let maxUploadBytes = 64 * 1024 * 1024

    func register(on router: Router<VigilRequestContext>) {
        router.get("/v1/sync/watchlist") { request, _ in
            let query = try PageQuery(request)
            let after = try query.integer("after", default: 0, range: 0...Int(Int64.max))
            let limit = try query.integer("limit", default: 500, range: ScreeningService.syncPageLimitRange)
            let wait = try query.integer("wait", default: 0, range: 0...Int(ScreeningService.maximumSyncWait.components.seconds))
            let page = try await service.syncPage(after: Int64(after), limit: limit, post: Self.post, wait: .seconds(wait),
                                                  keepWaiting: { !Task.isShuttingDownGracefully })
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            headers[.cacheControl] = "no-store"
            var body = ByteBuffer(bytes: page)
            // Float32 templates in base64 inside a base64 payload: gzip saves about a third of the bytes (posts' links are slow).
            if Self.acceptsGzip(request.headers[.acceptEncoding]), let compressed = try? body.compress(with: .gzip()) {
                body = compressed
                headers[.contentEncoding] = "gzip"
                headers[.vary] = "Accept-Encoding"
            }
            Counter(label: "vigil_sync_page_bytes_sent_total").increment(by: body.readableBytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
        router.get("/v1/sync/records/head") { _, _ in
            JSONResponse.make(try await service.recordHead(post: Self.post))
        }
        router.post("/v1/sync/records") { request, _ in
            let upload = try await JSONBody.decode(RecordUpload.self, from: request, maxBytes: min(Self.maxUploadBytes, configuration.maxBodyBytes),
                                                   allowedKeys: ["records", "checkpoints"])
            return JSONResponse.make(try await service.receiveRecords(post: Self.post, upload))
        }
    }

    /// Whether an Accept-Encoding header accepts gzip (and does not refuse it with q=0).
    static func acceptsGzip(_ header: String?) -> Bool {
        (header ?? "").split(separator: ",").contains { part in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            return pieces.first == "gzip" && !pieces.dropFirst().contains { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.000" }
        }
    }

    /// The post a node token speaks for (its name).
    private static var post: String { AuditActor.current.post ?? AuditActor.current.id }
}
