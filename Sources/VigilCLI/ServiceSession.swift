import VigilScreening

extension ScreeningService {
    /// Opens the service, runs `body` with it, and shuts it down whether or
    /// not `body` threw: a one-shot command ends its database session itself
    /// (SQLite's handle closed, PostgreSQL's pooled connections ended with a
    /// goodbye) instead of leaving that to the process's exit.
    static func using<T>(_ configuration: ServiceConfiguration,
                         _ body: (ScreeningService) async throws(VigilError) -> T) async throws(VigilError) -> T {
        let service = try await ScreeningService(configuration: configuration)
        do {
            let value = try await body(service)
            await service.shutdown()
            return value
        } catch {
            await service.shutdown()
            throw error
        }
    }
}
