import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import VigilScreening

/// The checkpoint daemon: Vigil's HTTP API around a `ScreeningService`.
public enum VigilDaemon {
    /// Refuses plain HTTP beyond loopback unless allowed, and a certificate
    /// or key that does not load.
    /// `onServerRunning` is told the bound port (port 0 asks for any free one).
    public static func makeApplication(service: ScreeningService, configuration: DaemonConfiguration,
                                       logger: Logger = Logger(label: "vigil.daemon"),
                                       onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in })
        throws(VigilError) -> some ApplicationProtocol {
        let router = try makeRouter(service: service, configuration: configuration)
        return Application(
            router: router,
            server: try server(configuration),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vigil"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
    }

    /// Every route registered, as `METHOD /path/{parameter}` (what docs/openapi.json must describe).
    public static func routeList(service: ScreeningService, configuration: DaemonConfiguration) throws(VigilError) -> [String] {
        try makeRouter(service: service, configuration: configuration).routes.map(\.description)
    }

    static func makeRouter(service: ScreeningService, configuration: DaemonConfiguration) throws(VigilError) -> Router<VigilRequestContext> {
        DaemonMetrics.bootstrap()
        let router = Router(context: VigilRequestContext.self)
        let sessions = ConsoleSessions()
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AuthMiddleware(service: service, sessions: sessions, limiter: RateLimiter(perSecond: configuration.requestsPerSecondPerToken),
                                              publicMetrics: configuration.publicMetrics))
        Routes(service: service, configuration: configuration, gate: ScreeningGate(limit: configuration.maxConcurrentScreenings))
            .register(on: router)
        ConsoleRoutes(service: service, sessions: sessions, configuration: configuration).register(on: router)
        return router
    }

    static let loopbackHosts: Set<String> = ["127.0.0.1", "::1", "localhost"]

    static func server(_ configuration: DaemonConfiguration) throws(VigilError) -> HTTPServerBuilder {
        guard let tls = configuration.tls else {
            guard loopbackHosts.contains(configuration.host) || configuration.allowPlainHTTP else {
                throw VigilError(.invalidField, "plain HTTP is served on loopback only: give --tls-cert and --tls-key, or --allow-plain-http")
            }
            return .http1()
        }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
            return try .tls(.http1(), tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        } catch {
            throw VigilError(.invalidField, "the TLS certificate or key cannot be loaded (PEM files expected)")
        }
    }

    /// Runs `work` every `minutes` as Vigil itself (actor `system`) until cancelled.
    public static func every(minutes: Int, _ name: String, logger: Logger,
                             _ work: @escaping @Sendable () async throws(VigilError) -> Void) async {
        await AuditActor.$current.withValue(.system) {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: .seconds(max(1, minutes) * 60))
                } catch {
                    return
                }
                do throws(VigilError) {
                    try await work()
                } catch {
                    logger.error("\(name) failed", metadata: ["code": "\(error.code.rawValue)"])
                }
            }
        }
    }
}
