import Foundation
import Hummingbird
import Logging
import VigilScreening

/// The checkpoint daemon: Vigil's HTTP API around a `ScreeningService`.
public enum VigilDaemon {
    public static func makeApplication(service: ScreeningService, configuration: DaemonConfiguration,
                                       logger: Logger = Logger(label: "vigil.daemon")) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: AuthMiddleware(service: service))
        Routes(service: service, configuration: configuration).register(on: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vigil"),
            logger: logger
        )
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
