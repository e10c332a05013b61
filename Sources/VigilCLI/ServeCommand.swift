import ArgumentParser
import Foundation
import Logging
import Hummingbird
import VigilDaemon
import VigilScreening

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Start the checkpoint daemon (HTTP, JSON).")

    // Read before parsing (ServeConfigurationFile): declared here for --help.
    @Option(help: "A YAML or JSON file with any of these options (keys in snake case, e.g. tls_cert); VIGIL_<KEY> variables override it, flags override both.")
    var config: String?
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted.") var maxBodyBytes = 32 * 1024 * 1024
    @Option(name: .customLong("import-root"), help: "Folder from which POST /v1/watchlist/imports may read manifests (off when unset).")
    var importRoot: String?
    @Option(name: .customLong("screening-retention-days"), help: "Delete screening records older than this (0 keeps them).")
    var screeningRetentionDays = 365
    @Option(name: .customLong("retention-interval-minutes"), help: "Minutes between purges of expired entries and old screenings.")
    var retentionIntervalMinutes = 60
    @Option(name: .customLong("checkpoint-every"), help: "Audit records between signed checkpoints.") var checkpointEvery = 100
    @Option(name: .customLong("checkpoint-interval-minutes"), help: "Minutes between signed checkpoints of new audit records.")
    var checkpointIntervalMinutes = 5
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS.") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key of the certificate.") var tlsKey: String?
    @Flag(name: .customLong("allow-plain-http"), help: "Serve plain HTTP on a non-loopback address (behind a TLS proxy).")
    var allowPlainHTTP = false
    @Flag(help: "Serve GET /metrics without a token to every address (by default loopback only; elsewhere an admin token).")
    var publicMetrics = false
    @Option(name: .customLong("rate-limit"), help: "Requests per second per token (0: no limit).") var rateLimit = 50.0
    @Option(name: .customLong("max-concurrent-screenings"), help: "Screenings in progress at once; more get 503.")
    var maxConcurrentScreenings = 32
    @Flag(name: .customLong("keep-source-images"), help: "Keep finger images too beside their templates (off by default).")
    var keepSourceImages = false
    @Flag(name: .customLong("no-face-reference-photos"),
          help: "Do not keep the sealed reference photo of each face sample (kept by default: re-enrolment after a model change needs it).")
    var noFaceReferencePhotos = false
    @Option(help: "Headquarters' address (https://HQ:PORT): run as a post, keeping a signed copy of its watchlist.")
    var upstream: String?
    @Option(name: .customLong("upstream-token"), help: "This post's node token at headquarters (better: VIGIL_UPSTREAM_TOKEN).")
    var upstreamToken: String?
    @Option(name: .customLong("upstream-key"), help: "Headquarters' public key file (hex, from 'vigil sync public-key' there).")
    var upstreamKey: String?
    @Option(name: .customLong("upstream-ca"), help: "PEM certificate to trust for headquarters instead of the system's roots.")
    var upstreamCa: String?
    @Option(name: .customLong("sync-interval-seconds"), help: "A post: seconds between uploads of its records, and the least between two requests for watchlist changes (headquarters holds each until a change, up to 20 s).")
    var syncIntervalSeconds = 1.0
    @Option(name: .customLong("stale-after-hours"), help: "Hours without a sync after which a post's screenings say stale_watchlist.")
    var staleAfterHours = 24.0
    @OptionGroup var common: CommonOptions

    /// The post's link to headquarters, when --upstream is given (all three options together).
    private func upstreamLink() throws(VigilError) -> (client: UpstreamClient, key: [UInt8])? {
        guard let upstream else {
            guard upstreamToken == nil, upstreamKey == nil else { throw VigilError(.invalidField, "--upstream-token and --upstream-key need --upstream") }
            return nil
        }
        guard let token = upstreamToken, !token.isEmpty, let keyFile = upstreamKey else {
            throw VigilError(.missingField, "a post needs --upstream-token (its node token at headquarters) and --upstream-key")
        }
        guard syncIntervalSeconds >= 0.05, staleAfterHours > 0 else {
            throw VigilError(.invalidField, "--sync-interval-seconds must be at least 0.05 and --stale-after-hours above 0")
        }
        return (try UpstreamClient(baseURL: upstream, token: token, caFile: upstreamCa), try AuditCommand.readKey(keyFile))
    }

    func run() async throws {
        try await Output.run(json: false, logLevel: .info) { () async throws(VigilError) in
            var configuration = try common.configuration(database: database)
            configuration.importRoot = importRoot.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            configuration.keepSourceImages = keepSourceImages
            configuration.keepFaceReferencePhotos = !noFaceReferencePhotos
            configuration.screeningRetentionDays = screeningRetentionDays > 0 ? screeningRetentionDays : nil
            configuration.checkpointEvery = checkpointEvery
            let link = try upstreamLink()
            configuration.followsUpstream = link != nil
            configuration.upstreamStaleAfter = staleAfterHours * 3600
            let service = try await ScreeningService(configuration: configuration)
            var daemon = DaemonConfiguration(host: host, port: port)
            daemon.maxBodyBytes = maxBodyBytes
            daemon.retentionIntervalMinutes = retentionIntervalMinutes
            daemon.requestsPerSecondPerToken = rateLimit
            daemon.allowPlainHTTP = allowPlainHTTP
            daemon.publicMetrics = publicMetrics
            switch (tlsCert, tlsKey) {
            case let (cert?, key?): daemon.tls = (cert, key)
            case (nil, nil): break
            default: throw VigilError(.invalidField, "--tls-cert and --tls-key go together")
            }
            daemon.maxConcurrentScreenings = maxConcurrentScreenings
            let app = try VigilDaemon.makeApplication(service: service, configuration: daemon)
            if let first = try await service.firstAdminToken() {
                Output.line("No admin token existed: created one. It is shown once; store it now (more with `vigil token create`):")
                Output.line("  admin token: \(first.secret)")
            }
            let status = service.watchlistStatus
            Output.line("Vigil checkpoint daemon on \(daemon.tls == nil ? "http" : "https")://\(host):\(port) (database \(database.shown), watchlist version \(status.version), \(status.entries) entries)")
            let scheme = daemon.tls == nil ? "http" : "https"
            Output.line("Console: \(scheme)://\(host):\(port)/console/ (sign in with a token)")
            Output.line("API: \(scheme)://\(host):\(port)/v1/    Health: curl \(scheme)://\(host):\(port)/v1/health    Stop: Ctrl-C (or SIGTERM)")
            let retention = Task {
                await VigilDaemon.every(minutes: retentionIntervalMinutes, "retention", logger: Logger(label: "vigil.retention")) {
                    () async throws(VigilError) in try await service.enforceRetention()
                }
            }
            // Signs the audit chain's head every few minutes (also every 100 records, as it grows).
            let checkpoints = Task {
                await VigilDaemon.every(minutes: checkpointIntervalMinutes, "audit checkpoint", logger: Logger(label: "vigil.audit")) {
                    () async throws(VigilError) in try await service.checkpointAudit()
                }
            }
            // A post pulls headquarters' pages in the background; screening never waits for it.
            let sync = link.map { link in
                Task {
                    await UpstreamFollower(service: service, transport: link.client, upstreamKey: link.key,
                                           interval: .milliseconds(Int(syncIntervalSeconds * 1000))).run()
                }
            }
            if let upstream { Output.line("Post of \(upstream): syncing its watchlist every \(syncIntervalSeconds) s") }
            defer {
                retention.cancel()
                checkpoints.cancel()
                sync?.cancel()
            }
            // SIGTERM or SIGINT: the server stops accepting, lets requests in flight
            // (screenings among them) finish, then returns; the audit chain's head is
            // signed before the process exits, so no record is left without a checkpoint.
            do {
                try await app.runService()
            } catch {
                throw VigilError(.internalError, "the server stopped: \(error)")
            }
            retention.cancel()
            checkpoints.cancel()
            sync?.cancel()
            await link?.client.shutdown()
            let checkpointed: Result<Void, VigilError> = await AuditActor.$current.withValue(.system) {
                do throws(VigilError) { try await service.checkpointAudit(); return .success(()) } catch { return .failure(error) }
            }
            try checkpointed.get()
            Logger(label: "vigil.daemon").info("stopped; audit chain checkpointed")
        }
    }
}
