/// Network-facing settings of the checkpoint daemon.
public struct DaemonConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Largest request body accepted, in bytes; larger ones get 413 `payload_too_large`.
    public var maxBodyBytes = 32 * 1024 * 1024
    /// Largest JSON-only body (updates, categories, import requests).
    public var maxJSONBytes = 1024 * 1024
    /// Minutes between retention runs (expired entries, old screenings).
    public var retentionIntervalMinutes = 60

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
