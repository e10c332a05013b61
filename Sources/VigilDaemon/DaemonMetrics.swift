import Foundation
import Hummingbird
import Metrics
import Prometheus
import VigilScreening

/// The daemon's Prometheus metrics. swift-metrics is bootstrapped once per
/// process with a Prometheus factory writing into `registry`; the service
/// and the daemon record through the swift-metrics API, and
/// `GET /metrics` writes the registry in the Prometheus text format. Gauges
/// of state (watchlist size, audit log, imports) are read at each scrape.
///
/// Names follow Prometheus conventions (`vigil_` prefix, snake case,
/// counters ending `_total`, durations in `_seconds`). Labels are route
/// patterns, methods, status and error codes, decisions and modalities:
/// never a name, id, token or template.
public enum DaemonMetrics {
    static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped: Void = {
        var factory = PrometheusMetricsFactory(registry: registry)
        // A screening is tens to hundreds of milliseconds; a slow one seconds.
        factory.defaultDurationHistogramBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30].map {
            Duration.milliseconds(Int64($0 * 1000))
        }
        MetricsSystem.bootstrap(factory)
    }()

    /// Routes this process's swift-metrics into the registry `/metrics` shows
    /// (idempotent; the first call wins, as swift-metrics requires).
    public static func bootstrap() { _ = bootstrapped }

    /// The text exposition, after reading the state gauges.
    static func scrape(service: ScreeningService, imports: ImportJobs) async -> [UInt8] {
        let watchlist = service.watchlistStatus
        Gauge(label: "vigil_watchlist_entries").record(watchlist.entries)
        Gauge(label: "vigil_watchlist_face_templates").record(watchlist.faceTemplates)
        Gauge(label: "vigil_watchlist_finger_templates").record(watchlist.fingerTemplates)
        Gauge(label: "vigil_watchlist_version").record(watchlist.version)
        Gauge(label: "vigil_watchlist_face_templates_of_other_models").record(service.faceTemplatesOfOtherModels)
        Gauge(label: "vigil_watchlist_face_templates_of_previous_model").record(service.previousModelFaces?.templates ?? 0)
        Gauge(label: "vigil_imports_in_progress").record(imports.running)
        if let audit = try? await service.auditStatus() {
            Gauge(label: "vigil_audit_records").record(audit.records)
            // No checkpoint yet: as old as the process has no better answer; leave the gauge out.
            if let age = audit.checkpointAge { Gauge(label: "vigil_audit_checkpoint_age_seconds").record(age) }
        }
        return registry.emitToBuffer()
    }
}

/// Counts and times every request by its route pattern (never the raw path,
/// which can hold an entry or screening id), and every refusal by its code.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = VigilRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            record(request, context, status: "error", since: started)
            throw error
        }
        record(request, context, status: String(response.status.code), since: started)
        return response
    }

    private func record(_ request: Request, _ context: Context, status: String, since started: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "unmatched"
        let method = request.method.rawValue
        Counter(label: "vigil_http_requests_total", dimensions: [("route", route), ("method", method), ("status", status)]).increment()
        Timer(label: "vigil_http_request_duration_seconds", dimensions: [("route", route), ("method", method)])
            .recordNanoseconds(Int64((ContinuousClock.now - started) / .nanoseconds(1)))
    }
}
