import Metrics

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

    /// Entries added, by how: one request, or a bulk import.
    static func enrolled(_ count: Int, via: String) {
        Counter(label: "vigil_enrolments_total", dimensions: [("via", via)]).increment(by: count)
    }

    static func retention(expired: Int, screeningsDeleted: Int) {
        Counter(label: "vigil_retention_expired_entries_total").increment(by: expired)
        Counter(label: "vigil_retention_deleted_screenings_total").increment(by: screeningsDeleted)
    }
}
