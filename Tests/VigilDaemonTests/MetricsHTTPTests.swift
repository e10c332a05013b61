import Foundation
import HTTPTypes
import NIOCore
import Testing
@testable import VigilDaemon
import VigilScreening
import VigilTestSupport

@Suite("Prometheus metrics over real HTTP", .enabled(if: TestData.shouldRunDataTests))
struct MetricsHTTPTests {
    /// `name{labels} value` lines of the text exposition, by metric name.
    func samples(_ text: String) -> [(name: String, labels: String, value: Double)] {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { return nil }
            let series = String(parts[0])
            let name = series.split(separator: "{").first.map(String.init) ?? series
            return (name, String(series.dropFirst(name.count)), value)
        }
    }

    @Test("loopback scrapes without a token; conventional names; screenings, requests and state are counted; no name, id or token in any label")
    func scrape() async throws {
        let (service, app, tokens) = try await makeDaemon()
        let people = try TestData.identities("lfw10")
        let name = "Metrics Probe Person"
        try await app.test { raw in
            // Inside the running daemon: swift-metrics records nothing before the daemon bootstraps it.
            let entry = try await service.enroll(name: name, category: "wanted_other", faces: [try TestData.bytes(people[0].files[0])],
                                                 fingers: [FingerSample(position: .leftIndex, bytes: try TestData.bytes("fingerprints/FVC2002/DB2_B/105_1.iso"))]).id
            let client = tokens.authorizing(raw)
            var form = Multipart()
            form.file("face", try TestData.bytes(people[0].files[1]))
            form.file("finger_left_index", try TestData.bytes("fingerprints/FVC2002/DB2_B/105_4.iso"), filename: "probe.iso")
            let screening = try await client.execute(uri: "/v1/screenings", method: .post,
                                                     headers: [.contentType: form.contentType], body: form.finished()) { try decode($0) }
            let screeningID = try #require(screening["id"] as? String)
            try await raw.execute(uri: "/v1/watchlist/entries", method: .get) { #expect($0.status == .unauthorized) }

            let ready = try await raw.execute(uri: "/v1/health/ready", method: .get) { try decode($0) }
            #expect(ready["ready"] as? Bool == true)
            let response = try await raw.execute(uri: "/metrics", method: .get)
            // Hummingbird's id: a per-process random part in hex, unpadded (15 digits one time in 16), then a 16-digit counter.
            let requestID = response.headers[.init("X-Request-Id")!] ?? ""
            #expect((17...32).contains(requestID.count) && requestID.allSatisfy(\.isHexDigit), "\(requestID)")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = String(buffer: response.body)
            let series = samples(text)
            let names = Set(series.map(\.name))
            for metric in ["vigil_screenings_total", "vigil_http_requests_total", "vigil_http_request_duration_seconds_bucket",
                           "vigil_face_analysis_duration_seconds_count", "vigil_search_duration_seconds_count",
                           "vigil_enrolments_total", "vigil_http_rejected_requests_total", "vigil_watchlist_entries",
                           "vigil_watchlist_version", "vigil_audit_records", "vigil_imports_in_progress",
                           "vigil_finger_search_duration_seconds_count"] {
                #expect(names.contains(metric), "\(metric) missing")
            }
            #expect(series.contains { $0.name == "vigil_screenings_total" && $0.labels.contains("modality=\"face_and_fingers\"") && $0.value >= 1 })
            // A finger among a watchlist this small is compared with every enrolled one, and says so.
            #expect(series.contains { $0.name == "vigil_finger_searches_total" && $0.labels == "{method=\"exhaustive\"}" && $0.value >= 1 })
            #expect(series.contains { $0.name == "vigil_http_requests_total" && $0.labels.contains("route=\"/v1/screenings\"") })
            #expect(series.contains { $0.name == "vigil_http_rejected_requests_total" && $0.labels.contains("code=\"unauthorized\"") })
            #expect(series.first { $0.name == "vigil_watchlist_entries" }?.value == 1)
            // Prometheus conventions: one prefix, snake case, counters end in _total, durations in seconds.
            for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                let (metric, type) = (String(parts[2]), String(parts[3]))
                #expect(metric.range(of: "^vigil_[a-z0-9_]+$", options: .regularExpression) != nil, "\(metric)")
                if type == "counter" { #expect(metric.hasSuffix("_total"), "\(metric)") }
                if type == "histogram" { #expect(metric.hasSuffix("_seconds"), "\(metric)") }
            }
            // Nothing that names or identifies anyone, and no credential.
            for secret in [name, entry.uuidString, entry.uuidString.lowercased(), screeningID] + Array(tokens.secrets.values) {
                #expect(!text.contains(secret))
            }
        }
    }

    @Test("from another address /metrics needs an admin token, unless the daemon makes it public")
    func access() {
        #expect(AuthMiddleware.access(for: "/metrics", fromLoopback: true) == .open)
        #expect(AuthMiddleware.access(for: "/metrics", fromLoopback: false) == .role(.admin))
        #expect(AuthMiddleware.access(for: "/metrics", fromLoopback: false, publicMetrics: true) == .open)
    }
}
