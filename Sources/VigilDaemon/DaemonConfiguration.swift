/// Network-facing settings of the checkpoint daemon.
public struct DaemonConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Largest request body accepted, in bytes; larger ones get 413 `payload_too_large`.
    public var maxBodyBytes = 32 * 1024 * 1024
    /// Largest JSON-only body (updates, categories, import requests).
    public var maxJSONBytes = 1024 * 1024
    /// Requests per second per token (bursts of twice that); 0 turns the limit off.
    public var requestsPerSecondPerToken = 50.0
    /// Screenings in progress at once; more get 503 `service_busy`.
    public var maxConcurrentScreenings = 32
    /// PEM certificate chain and private key: HTTPS through swift-nio-ssl.
    public var tls: (certificatePath: String, keyPath: String)?
    /// Plain HTTP is served on loopback only, unless this is set.
    public var allowPlainHTTP = false
    /// `GET /metrics` without a token from any address (by default only from
    /// loopback: the watchlist's size is not public; elsewhere an admin token).
    public var publicMetrics = false
    /// Minutes between retention runs (expired entries, old screenings).
    public var retentionIntervalMinutes = 60

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
