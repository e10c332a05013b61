import Foundation
import Hummingbird
import VigilScreening

/// The checkpoint daemon's HTTP API (version 1).
struct Routes {
    let service: ScreeningService
    let configuration: DaemonConfiguration
    let gate: ScreeningGate
    let imports = ImportJobs()

    /// Counts only for a caller with a token: the watchlist's size is not public.
    struct Health: Encodable {
        let status: String
        let watchlistVersion: Int64?
        let entries: Int?
        let faceTemplates: Int?
        let fingerTemplates: Int?
        /// The recognizer screenings use, and stored templates of any other (not searched).
        var faceModel: String?
        var faceTemplatesOfOtherModels: Int?
        /// While a re-embedding moves the watchlist to `faceModel`: the previous
        /// recognizer and how many of its templates are still searched beside it.
        var previousFaceModel: String?
        var previousModelFaceTemplates: Int?
        /// Per category: threshold in force, expected FPIR, and advice when face alone is not enough.
        var faceOperatingPoints: [FaceOperatingPoint]?
    }

    struct AdjudicationRequest: Decodable {
        let outcome: String
        /// Required with a token; a console session supplies its signed-in officer instead.
        let officerId: String?
        let entryId: UUID?
    }

    func register(on router: Router<VigilRequestContext>) {
        router.get("/v1/health") { _, _ in health() }
        // Readiness, apart from liveness: the daemon listens only after the watchlist
        // index is built, so whoever gets an answer here gets screenings searched
        // against the whole watchlist. A draining daemon stops answering at all.
        router.get("/v1/health/ready") { _, _ in
            JSONResponse.make(["ready": true])
        }
        router.get("/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: await DaemonMetrics.scrape(service: service, imports: imports))))
        }
        router.post("/v1/screenings") { request, context in try await screen(request, context: context) }
        router.get("/v1/screenings") { request, _ in
            let page = try PageQuery(request)
            return JSONResponse.make(["screenings": try await service.adjudicationQueue(limit: page.limit, offset: page.offset)])
        }
        router.get("/v1/screenings/:id/candidates/:entry/photo") { _, context in
            guard let entry = context.parameters.get("entry").flatMap(UUID.init(uuidString:)) else {
                throw VigilError(.notFound, "that entry is not a candidate of the screening")
            }
            let photo = try await service.candidatePhoto(screening: try Self.screeningID(context), entry: entry)
            return Response(status: .ok, headers: [.contentType: ImageKind.contentType(of: photo)],
                            body: .init(byteBuffer: ByteBuffer(bytes: photo)))
        }
        router.get("/v1/screenings/:id") { _, context in
            JSONResponse.make(try await service.screening(id: try Self.screeningID(context)))
        }
        router.post("/v1/screenings/:id/adjudications") { request, context in
            let body = try await JSONBody.decode(AdjudicationRequest.self, from: request, maxBytes: configuration.maxJSONBytes,
                                                 allowedKeys: ["outcome", "officer_id", "entry_id"])
            guard let outcome = ScreeningService.Outcome(rawValue: body.outcome) else {
                throw VigilError(.invalidField, "outcome must be confirmed, not_a_match or inconclusive")
            }
            guard let officer = context.officer ?? body.officerId else {
                throw VigilError(.missingField, "officer_id: the officer making the decision")
            }
            let view = try await service.adjudicate(screening: try Self.screeningID(context), entry: body.entryId,
                                                    officer: officer, outcome: outcome)
            return JSONResponse.make(view, status: .created)
        }
        WatchlistRoutes(service: service, configuration: configuration).register(on: router)
        ImportRoutes(service: service, configuration: configuration, jobs: imports).register(on: router)
        ReembedRoutes(service: service, job: ReembedJob()).register(on: router)
        AuditRoutes(service: service, configuration: configuration).register(on: router)
    }

    func health() -> Response {
        guard AuditActor.current.role != AuditActor.anonymous.role else {
            return JSONResponse.make(Health(status: "ok", watchlistVersion: nil, entries: nil, faceTemplates: nil, fingerTemplates: nil))
        }
        let status = service.watchlistStatus
        return JSONResponse.make(Health(status: "ok", watchlistVersion: status.version, entries: status.entries,
                                        faceTemplates: status.faceTemplates, fingerTemplates: status.fingerTemplates,
                                        faceModel: service.faceModelName,
                                        faceTemplatesOfOtherModels: service.faceTemplatesOfOtherModels,
                                        previousFaceModel: service.previousModelFaces?.model,
                                        previousModelFaceTemplates: service.previousModelFaces?.templates,
                                        faceOperatingPoints: service.faceOperatingPoints()))
    }

    static func screeningID(_ context: VigilRequestContext) throws(VigilError) -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw VigilError(.notFound, "no screening with that id")
        }
        return id
    }

    func screen(_ request: Request, context: VigilRequestContext) async throws(VigilError) -> Response {
        let form = try await SubmittedForm.read(request, maxBytes: configuration.maxBodyBytes)
        let faces = form.images("face"), fingers = try form.fingers()
        guard faces.count <= 1, !(faces.isEmpty && fingers.isEmpty) else {
            throw VigilError(faces.isEmpty ? .missingField : .invalidField, "send one 'face' image, 'finger_<position>' templates, or both")
        }
        let result: ScreeningResult
        do {
            result = try await gate.run { try await service.screen(face: faces.first, fingers: fingers) }
        } catch let error as VigilError {
            throw error
        } catch {
            throw VigilError(.internalError, "the screening failed")
        }
        // The line an operator follows to the audit record (same request id); no name, no template.
        context.logger.info("screening", metadata: ["screening_id": "\(result.id)", "decision": "\(result.decision.rawValue)",
                                                    "candidates": "\(result.candidates.count)",
                                                    "total_ms": "\(result.timingsMs.map { String(format: "%.1f", $0.total) } ?? "")"])
        return JSONResponse.make(result)
    }
}
