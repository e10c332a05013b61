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
}
