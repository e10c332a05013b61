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

    /// Each imported entry's reference: the source agency and its id there.
    static func reference(agency: String, sourceId: UUID) -> String { "\(agency):\(sourceId.uuidString)" }
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

/// The file: the payload's exact bytes, signed with the exporter's audit key
/// (Ed25519 over a domain prefix and the bytes, so nothing is re-encoded
/// before checking).
struct BundleEnvelope: Codable {
    static let format = "vigil-bundle/1"
    let format: String
    /// The signing key, hex: says whose bundle it is; trust comes from `--trust` only.
    let signer: String
    let payload: String
    let signature: String

    static func message(_ payload: [UInt8]) -> [UInt8] { Array("\(format)\n".utf8) + payload }
}
