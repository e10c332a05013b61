import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import VigilScreening

/// A post's HTTP client of headquarters: the node token in the
/// Authorization header, TLS verified against the system's roots or a
/// given CA file, every request bounded in time and size.
public final class UpstreamClient: UpstreamTransport {
    private let base: String
    private let token: String
    private let client: HTTPClient
    /// A page of 500 entries is a few MB; anything far larger is not a page.
    static let maxResponseBytes = 256 * 1024 * 1024

    /// `baseURL` is headquarters' address (`https://HQ:PORT`); `caFile`
    /// a PEM file of the CA (or self-signed certificate) to trust instead
    /// of the system's roots.
    public init(baseURL: String, token: String, caFile: String? = nil) throws(VigilError) {
        guard let url = URL(string: baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw VigilError(.invalidField, "--upstream must be an http(s)://HOST:PORT address")
        }
        base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            do { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile)) } catch {
                throw VigilError(.invalidField, "--upstream-ca cannot be loaded (a PEM file expected)")
            }
        }
        // Pages arrive gzip-compressed; the decompressor stops at the same size limit as an uncompressed answer (no bombs).
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, timeout: .init(connect: .seconds(5), read: .seconds(60)),
                                                     decompression: .enabled(limit: .size(Self.maxResponseBytes)))
        configuration.redirectConfiguration = .disallow
        // Decompression is a handler of HTTP/1 connections.
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    public func watchlistPage(after: Int64, limit: Int, wait: Duration) async throws(UpstreamFailure) -> Data {
        var request = HTTPClientRequest(url: base + "/v1/sync/watchlist?after=\(after)&limit=\(limit)&wait=\(wait.components.seconds)")
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        return try await send(request)
    }

    public func recordHead() async throws(UpstreamFailure) -> RecordAcknowledgement {
        try Self.decoded(try await send(HTTPClientRequest(url: base + "/v1/sync/records/head")))
    }

    public func upload(_ records: RecordUpload) async throws(UpstreamFailure) -> RecordAcknowledgement {
        var request = HTTPClientRequest(url: base + "/v1/sync/records")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        do { request.body = .bytes(ByteBuffer(data: try VigilJSON.encoder().encode(records))) } catch {
            throw UpstreamFailure(code: "internal_error", message: "the records could not be encoded")
        }
        return try Self.decoded(try await send(request))
    }

    private static func decoded<T: Decodable>(_ data: Data) throws(UpstreamFailure) -> T {
        do { return try VigilJSON.decoder().decode(T.self, from: data) } catch {
            throw UpstreamFailure(code: "upstream_malformed", message: "headquarters' answer is not what Vigil expects")
        }
    }

    private func send(_ original: HTTPClientRequest) async throws(UpstreamFailure) -> Data {
        var request = original
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response: HTTPClientResponse
        let body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(120))
            body = try await response.body.collect(upTo: Self.maxResponseBytes)
        } catch {
            throw UpstreamFailure(code: UpstreamFailure.unreachable, message: "headquarters cannot be reached: \(type(of: error))")
        }
        let data = Data(buffer: body)
        guard response.status == .ok else {
            struct Refusal: Decodable { struct Body: Decodable { let code: String; let message: String }; let error: Body }
            let refusal = try? JSONDecoder().decode(Refusal.self, from: data)
            throw UpstreamFailure(code: refusal?.error.code ?? "upstream_http_\(response.status.code)",
                                  message: refusal?.error.message ?? "headquarters answered \(response.status.code)")
        }
        return data
    }

    /// Closes the connections (at shutdown).
    public func shutdown() async {
        try? await client.shutdown()
    }
}
