import Foundation
import Hummingbird
import NIOCore
import VigilScreening

/// A JSON request body decoded strictly into `T` (`StrictJSON`), refusing
/// other media types and bodies over the limit.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, maxBytes: Int, allowedKeys: Set<String>,
                                     defaultsFrom defaults: [String: String] = [:]) async throws(VigilError) -> T {
        let mediaType = (request.headers[.contentType] ?? "").split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/json" else { throw VigilError(.unsupportedMediaType, "send application/json") }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maxBytes)
        } catch {
            throw VigilError(.payloadTooLarge, "the request body is larger than \(maxBytes) bytes")
        }
        guard body.readableBytes > 0 else { throw VigilError(.emptyBody, "the request body is empty") }
        return try StrictJSON.decode(T.self, from: Data(buffer: body), allowedKeys: allowedKeys, defaults: defaults)
    }
}
