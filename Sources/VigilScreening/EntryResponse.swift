import Foundation
import VigilStorage

/// An entry as administrators read it: its details, versions and samples
/// (template ids, positions and digests; never the templates).
public struct EntryResponse: Sendable, Encodable, Equatable {
    public struct Sample: Sendable, Encodable, Equatable {
        /// `face-12`, `finger-7`: what `DELETE .../samples/{id}` takes.
        public let id: String
        public let kind: String
        public let position: FingerPosition?
        public let digest: String
    }

    public let id: UUID
    public let details: EntryDetails
    public let createdVersion: Int64
    public let updatedVersion: Int64
    public let samples: [Sample]

    init(_ stored: WatchlistEntry) {
        id = stored.entry.id
        details = stored.entry.details
        createdVersion = stored.entry.createdVersion
        updatedVersion = stored.entry.updatedVersion
        samples = stored.samples.map {
            Sample(id: $0.sampleID, kind: $0.kind.rawValue, position: $0.position.flatMap(FingerPosition.init(code:)), digest: $0.digest)
        }
    }

    enum CodingKeys: String, CodingKey { case id, createdVersion, updatedVersion, samples }

    /// Flat: the details' fields sit beside id, versions and samples.
    public func encode(to encoder: any Encoder) throws {
        try details.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(createdVersion, forKey: .createdVersion)
        try c.encode(updatedVersion, forKey: .updatedVersion)
        try c.encode(samples, forKey: .samples)
    }
}

/// A page of entries: `{ "entries": [...], "version": N, "total": N, "limit", "offset" }`.
public struct EntryListResponse: Sendable, Encodable {
    public let entries: [EntryResponse]
    public let version: Int64
    public let total: Int
    public let limit: Int
    public let offset: Int
}

/// The watchlist's version and size.
public struct WatchlistVersionResponse: Sendable, Codable, Equatable {
    public let version: Int64
    public let entries: Int
    public let faceTemplates: Int
    public let fingerTemplates: Int
}

/// What a removal or purge changed.
public struct RemovalResponse: Sendable, Codable, Equatable {
    public let removed: [UUID]
    public let version: Int64

    public init(removed: [UUID], version: Int64) {
        self.removed = removed
        self.version = version
    }
}
