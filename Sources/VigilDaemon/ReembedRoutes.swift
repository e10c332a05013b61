import Foundation
import Hummingbird
import Synchronization
import VigilScreening

/// Re-embedding the watchlist over HTTP, after the recognizer changed:
/// `POST /v1/watchlist/reembed` starts it in the background (202), or
/// reports the one already running (200); `GET /v1/watchlist/reembed` shows
/// its progress and, once done, its report. One at a time per daemon: two
/// would race to rebuild the same templates.
struct ReembedRoutes {
    let service: ScreeningService
    let job: ReembedJob

    func register(on router: Router<VigilRequestContext>) {
        router.post("/v1/watchlist/reembed") { _, _ in
            let (state, started) = job.start(service: service)
            return JSONResponse.make(state, status: started ? .accepted : .ok)
        }
        router.get("/v1/watchlist/reembed") { _, _ in JSONResponse.make(job.state(service: service)) }
    }
}

/// The daemon's re-embedding, as `GET /v1/watchlist/reembed` shows it.
struct ReembedState: Sendable, Encodable {
    struct Failure: Sendable, Encodable { let code: String; let message: String }
    /// "idle" (none since start-up), "running", "done" or "failed".
    var status = "idle"
    /// The recognizer templates are rebuilt with.
    var model: String
    /// Templates rebuilt (or attempted) so far, of `total` with a reference photo.
    var done = 0
    var total = 0
    /// Stored templates still of another recognizer (not searched).
    var templatesOfOtherModels = 0
    /// The previous recognizer's templates still searched until rebuilt (`--previous-recognizer`).
    var previousModelTemplates: Int?
    var startedAt: Date?
    var finishedAt: Date?
    var report: ReembedReport?
    var error: Failure?
}

/// Holds the one re-embedding a daemon runs. Its Task inherits the
/// request's audit actor, so each `reembed` event names the administrator
/// who started it.
final class ReembedJob: Sendable {
    private struct Guarded {
        var state: ReembedState?
    }

    private let guarded = Mutex(Guarded())

    func state(service: ScreeningService) -> ReembedState {
        var state = guarded.withLock { $0.state } ?? ReembedState(model: service.faceModelName)
        state.templatesOfOtherModels = service.faceTemplatesOfOtherModels
        state.previousModelTemplates = service.previousModelFaces?.templates
        return state
    }

    /// Starts a re-embedding unless one is running; returns the state and whether it started.
    func start(service: ScreeningService) -> (ReembedState, Bool) {
        let started = guarded.withLock { guarded -> Bool in
            if guarded.state?.status == "running" { return false }
            guarded.state = ReembedState(status: "running", model: service.faceModelName, startedAt: Date())
            return true
        }
        if started {
            Task { [self] in
                let outcome: Result<ReembedReport, VigilError>
                do throws(VigilError) {
                    outcome = .success(try await service.reembedFaces { done, total in
                        self.guarded.withLock { $0.state?.done = done; $0.state?.total = total }
                    })
                } catch {
                    outcome = .failure(error)
                }
                guarded.withLock { guarded in
                    guarded.state?.finishedAt = Date()
                    switch outcome {
                    case .success(let report):
                        guarded.state?.status = "done"
                        guarded.state?.report = report
                    case .failure(let error):
                        guarded.state?.status = "failed"
                        guarded.state?.error = .init(code: error.code.rawValue, message: error.message)
                    }
                }
            }
        }
        return (state(service: service), started)
    }
}
