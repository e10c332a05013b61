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
        /// At a post: whether headquarters answered last time, when the
        /// watchlist last synced, the headquarters version it is at and how
        /// many versions behind it was then.
        var upstream: UpstreamStatus?
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
        router.post("/v1/verifications") { request, context in try await verify(request, context: context) }
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
        SyncRoutes(service: service, configuration: configuration).register(on: router)
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
                                        faceOperatingPoints: service.faceOperatingPoints(), upstream: service.upstreamStatus))
    }

    static func screeningID(_ context: VigilRequestContext) throws(VigilError) -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw VigilError(.notFound, "no screening with that id")
        }
        return id
    }

    /// 1:1 at the counter: `face` (the live photo) against `document` (data group 2 or an image); `screen=true` also screens it.
    func verify(_ request: Request, context: VigilRequestContext) async throws(VigilError) -> Response {
        let form = try await SubmittedForm.read(request, maxBytes: configuration.maxBodyBytes)
        let faces = form.images("face"), documents = form.images(SubmittedForm.documentField)
        guard faces.count == 1, documents.count == 1 else {
            throw VigilError(faces.isEmpty || documents.isEmpty ? .missingField : .invalidField,
                             "send one 'face' (the live photo) and one 'document' (data group 2 or the document's photo)")
        }
        let screen = try form.flag("screen")
        let result: VerificationResult
        do {
            result = try await gate.run { try await service.verify(live: faces[0], document: documents[0], screen: screen) }
        } catch let error as VigilError {
            throw error
        } catch {
            throw VigilError(.internalError, "the verification failed")
        }
        context.logger.info("verification", metadata: ["verification_id": "\(result.id)", "decision": "\(result.decision.rawValue)"])
        return JSONResponse.make(result)
    }

    func screen(_ request: Request, context: VigilRequestContext) async throws(VigilError) -> Response {
        let form = try await SubmittedForm.read(request, maxBytes: configuration.maxBodyBytes)
        var faces = form.images("face"), fingers = try form.fingers()
        let transactions = form.images(SubmittedForm.transactionField)
        if !transactions.isEmpty {
            // A transaction is the whole capture: its face and fingers are screened together.
            guard transactions.count == 1, faces.isEmpty, fingers.isEmpty else {
                throw VigilError(.invalidField, "send one 'transaction' and no other sample with it")
            }
            let samples = try TransactionSamples.read(try TransactionSamples.parse(transactions[0]))
            faces = Array(samples.faces.prefix(1))
            fingers = samples.fingers
        }
        guard faces.count <= 1, !(faces.isEmpty && fingers.isEmpty) else {
            throw VigilError(faces.isEmpty ? .missingField : .invalidField, "send one 'face' image, 'finger_<position>' templates, both, or one 'transaction'")
        }
        let result: ScreeningResult
        do {
            result = try await gate.run { [faces, fingers] in try await service.screen(face: faces.first, fingers: fingers) }
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
