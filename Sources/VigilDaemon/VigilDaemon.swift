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
        Routes(service: service, configuration: configuration).register(on: router)
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "vigil"),
            logger: logger
        )
    }

    /// Purges expired entries and old screening records every interval
    /// until cancelled (the service already did so at start-up).
    public static func enforceRetention(service: ScreeningService, every minutes: Int, logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(max(1, minutes) * 60))
            } catch {
                return
            }
            do {
                try await service.enforceRetention()
            } catch {
                logger.error("retention run failed", metadata: ["code": "\(error.code.rawValue)"])
            }
        }
    }
}
