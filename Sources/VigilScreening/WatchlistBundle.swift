import Foundation
import VigilStorage

/// A signed file of watchlist entries that one agency shares with another
/// (`vigil watchlist export-bundle` / `import-bundle`): the entries of one
/// category changed since a version, with their templates, and the entries
/// removed since then. No photos travel; templates are Float32 embeddings of
/// the recognizer named with each.
public struct WatchlistBundle: Codable, Sendable {
    public struct Face: Codable, Sendable {
        /// The Float32 template, little-endian, in base64.
        public let vector: String
        /// The recognizer that made it (`FaceRecognizer.identity`).
        public let model: String
    }

    public struct Finger: Codable, Sendable {
        public let position: Int
        /// ISO/IEC 19794-2 record and its cylinders, base64.
        public let record: String
        public let cylinders: String
    }

    public struct Entry: Codable, Sendable {
        /// The entry's id at the source: with `agency`, its provenance.
        public let sourceId: UUID
        public let details: EntryDetails
        public let faces: [Face]
        public let fingers: [Finger]
    }

    public let agency: String
    public let category: String
    /// Entries changed after this version; removals after it.
    public let since: Int64
    /// The source's watchlist version the bundle was read at.
    public let version: Int64
    public let generatedAt: Date
    public let entries: [Entry]
    /// Source ids of entries removed or expired after `since` (any category:
    /// an importer acts only on entries it took from this agency).
    public let removed: [UUID]

    static let format = "vigil-bundle/1"

    /// Each imported entry's reference: the source agency and its id there.
    static func reference(agency: String, sourceId: UUID) -> String { "\(agency):\(sourceId.uuidString)" }
}

extension WatchlistBundle.Entry {
    /// An entry as a bundle or a sync page carries it: Float32 faces with
    /// their recognizer, finger records with their cylinders.
    init(feed: FeedEntry) {
        self.init(sourceId: feed.entry.id, details: feed.entry.details,
                  faces: feed.faces.map { WatchlistBundle.Face(vector: VectorBlob.encode($0.vector).base64EncodedString(), model: $0.model) },
                  fingers: feed.fingers.map {
                      WatchlistBundle.Finger(position: $0.position, record: Data($0.record).base64EncodedString(),
                                             cylinders: Data($0.cylinders ?? []).base64EncodedString())
                  })
    }
}

/// What an import did.
public struct BundleImportReport: Codable, Sendable, Equatable {
    public var agency: String
    public var imported = 0
    /// Already taken from this agency by an earlier import (imports are idempotent).
    public var alreadyPresent = 0
    public var removed = 0
    /// Source ids refused, with why (e.g. no template of this deployment's recognizer).
    public var rejected: [String: String] = [:]
    public var version: Int64 = 0
}

/// A signed file or page: the payload's exact bytes, signed with the
/// sender's audit key (Ed25519 over the format name, a newline and the
/// bytes, so nothing is re-encoded before checking, and a signature made
/// for one kind of document never verifies as another).
struct SignedEnvelope: Codable {
    let format: String
    /// The signing key, hex: says who sent it; trust comes from the receiver's configured keys only.
    let signer: String
    let payload: String
    let signature: String

    static func message(format: String, _ payload: [UInt8]) -> [UInt8] { Array("\(format)\n".utf8) + payload }

    /// `value` encoded and signed with `keys`' audit key.
    static func seal(_ value: some Encodable, format: String, keys: KeyRing, pretty: Bool = false) throws(VigilError) -> Data {
        let payload: [UInt8]
        do { payload = [UInt8](try VigilJSON.encoder().encode(value)) } catch { throw VigilError(.internalError, "the \(format) document could not be encoded") }
        let signature: [UInt8]
        do { signature = try keys.sign(message(format: format, payload)) } catch { throw VigilError(error) }
        let envelope = SignedEnvelope(format: format, signer: Hex.encode(keys.publicKey),
                                      payload: Data(payload).base64EncodedString(), signature: Data(signature).base64EncodedString())
        do { return try VigilJSON.encoder(pretty: pretty).encode(envelope) } catch { throw VigilError(.internalError, "the \(format) document could not be encoded") }
    }

    /// The payload of `file` decoded as `T` when it is a `format` document
    /// whose signature verifies with one of `trusted`.
    static func open<T: Decodable>(_ file: Data, as type: T.Type, format: String, trusting trusted: [[UInt8]],
                                   untrusted: String) throws(VigilError) -> T {
        guard let envelope = try? VigilJSON.decoder().decode(SignedEnvelope.self, from: file), envelope.format == format,
              let payload = Data(base64Encoded: envelope.payload), let signature = Data(base64Encoded: envelope.signature) else {
            throw VigilError(.invalidField, "not a Vigil \(format) document")
        }
        let message = message(format: format, [UInt8](payload))
        guard trusted.contains(where: { KeyRing.verify([UInt8](signature), of: message, publicKey: $0) }) else {
            throw VigilError(.forbidden, untrusted)
        }
        do { return try VigilJSON.decoder().decode(T.self, from: payload) } catch {
            throw VigilError(.invalidField, "the signed \(format) document does not hold what its format says")
        }
    }
}
