import Hummingbird
import VigilScreening

/// The checkpoint daemon's HTTP API (version 1).
struct Routes {
    let service: ScreeningService
    let configuration: DaemonConfiguration

    struct Health: Encodable {
        let status: String
        let watchlistVersion: Int64
        let entries: Int
        let faceTemplates: Int
        let fingerTemplates: Int
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v1/health") { _, _ in health() }
        router.post("/v1/screenings") { request, _ in try await screen(request) }
        WatchlistRoutes(service: service, configuration: configuration).register(on: router)
        ImportRoutes(service: service, configuration: configuration, jobs: ImportJobs()).register(on: router)
        AuditRoutes(service: service, configuration: configuration).register(on: router)
    }

    func health() -> Response {
        let status = service.watchlistStatus
        return JSONResponse.make(Health(status: "ok", watchlistVersion: status.version, entries: status.entries,
                                        faceTemplates: status.faceTemplates, fingerTemplates: status.fingerTemplates))
    }

    func screen(_ request: Request) async throws(VigilError) -> Response {
        let form = try await SubmittedForm.read(request, maxBytes: configuration.maxBodyBytes)
        let faces = form.images("face"), fingers = try form.fingers()
        guard faces.count <= 1, !(faces.isEmpty && fingers.isEmpty) else {
            throw VigilError(faces.isEmpty ? .missingField : .invalidField, "send one 'face' image, 'finger_<position>' templates, or both")
        }
        return JSONResponse.make(try await service.screen(face: faces.first, fingers: fingers))
    }
}
