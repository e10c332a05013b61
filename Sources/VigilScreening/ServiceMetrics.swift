import Metrics
import VigilMatching

/// What the service counts and times, through swift-metrics: a no-op until
/// the process bootstraps a backend (the daemon bootstraps Prometheus,
/// `GET /metrics`). Every label is a word from a closed set (a decision, a
/// modality); never a name, id, token or template.
enum ServiceMetrics {
    static func screened(_ result: ScreeningResult, face: Bool, fingers: Bool) {
        let modality = face && fingers ? "face_and_fingers" : face ? "face" : "fingers"
        Counter(label: "vigil_screenings_total", dimensions: [("decision", result.decision.rawValue), ("modality", modality)]).increment()
        guard let timings = result.timingsMs else { return }
        for (label, ms) in [("vigil_face_analysis_duration_seconds", timings.analysis), ("vigil_search_duration_seconds", timings.search),
                            ("vigil_record_duration_seconds", timings.record)] {
            Timer(label: label).recordNanoseconds(Int64(ms * 1_000_000))
        }
    }

    /// One probe finger's 1:N search, by how its candidates were found; for
    /// the index, also the time spent choosing them. A million-finger
    /// gallery is held to a second at the 99th percentile
    /// (docs/fingerprints.md): these are how a deployment sees whether its
    /// own gallery and captures hold it, and which part does not.
    static func searchedFinger(_ search: FingerSearch, took duration: Duration) {
        let method = [("method", search.method.rawValue)]
        Counter(label: "vigil_finger_searches_total", dimensions: method).increment()
        Timer(label: "vigil_finger_search_duration_seconds", dimensions: method).recordNanoseconds(Int64(duration / .nanoseconds(1)))
        if search.method == .indexed {
            Timer(label: "vigil_finger_candidate_selection_duration_seconds").recordNanoseconds(Int64(search.selection / .nanoseconds(1)))
        }
    }

    /// 1:1 verifications at the counter, by decision.
    static func verified(_ decision: String) {
        Counter(label: "vigil_verifications_total", dimensions: [("decision", decision)]).increment()
    }

    /// Entries added, by how: one request, or a bulk import.
    static func syncPageServed(entries: Int, bytes: Int) {
        Counter(label: "vigil_sync_pages_served_total").increment()
        Counter(label: "vigil_sync_entries_served_total").increment(by: entries)
        Counter(label: "vigil_sync_page_bytes_served_total").increment(by: bytes)
    }

    /// A post's sync: pages applied and refused (by reason code), and how far behind headquarters it is.
    static func syncPageApplied(entries: Int, behind: Int64) {
        Counter(label: "vigil_sync_pages_applied_total").increment()
        Counter(label: "vigil_sync_entries_applied_total").increment(by: entries)
        Gauge(label: "vigil_upstream_versions_behind").record(behind)
    }

    static func syncFailed(_ code: String) {
        Counter(label: "vigil_sync_failures_total", dimensions: [("code", code)]).increment()
    }

    static func enrolled(_ count: Int, via: String) {
        Counter(label: "vigil_enrolments_total", dimensions: [("via", via)]).increment(by: count)
    }

    static func retention(expired: Int, screeningsDeleted: Int) {
        Counter(label: "vigil_retention_expired_entries_total").increment(by: expired)
        Counter(label: "vigil_retention_deleted_screenings_total").increment(by: screeningsDeleted)
    }
}
