import ArgumentParser
import Hummingbird
import VigilDaemon
import VigilScreening

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Start the checkpoint daemon (HTTP, JSON).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "SQLite database file (created if missing).") var db = "var/vigil.sqlite"
    @Option(name: .customLong("max-body-bytes"), help: "Largest request body accepted.") var maxBodyBytes = 32 * 1024 * 1024
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: false, logLevel: .info) { () async throws(VigilError) in
            let service = try await ScreeningService(configuration: common.configuration(database: db))
            var daemon = DaemonConfiguration(host: host, port: port)
            daemon.maxBodyBytes = maxBodyBytes
            let app = VigilDaemon.makeApplication(service: service, configuration: daemon)
            let status = service.watchlistStatus
            Output.line("Vigil checkpoint daemon on http://\(host):\(port) (database \(db), watchlist version \(status.version), \(status.entries) entries)")
            Output.line("Health: curl http://\(host):\(port)/v1/health    Stop: Ctrl-C (or SIGTERM)")
            do {
                try await app.runService()
            } catch {
                throw VigilError(.internalError, "the server stopped: \(error)")
            }
        }
    }
}
