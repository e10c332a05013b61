import VigilMatching
import VigilStorage

/// The in-memory watchlist a screening searches: the face gallery, the
/// entries its keys refer to, and the version they reflect. A value type:
/// readers copy it (O(1), copy-on-write) and search without holding a lock.
struct WatchlistIndex: Sendable {
    private(set) var gallery: FaceGallery
    private(set) var entries: [Int64: StoredEntry] = [:]
    private(set) var version: Int64 = 0

    init(dimension: Int) throws(MatchingError) {
        gallery = try FaceGallery(dimension: dimension)
    }

    init(_ contents: WatchlistContents, dimension: Int) throws(MatchingError) {
        try self.init(dimension: dimension)
        for entry in contents.entries { entries[entry.key] = entry }
        for template in contents.faceTemplates {
            try gallery.add(template: template.id, subject: template.entryKey, vector: template.vector)
        }
        version = contents.version
    }

    mutating func apply(_ enrolled: EnrolledEntry) throws(MatchingError) {
        for template in enrolled.faceTemplates {
            try gallery.add(template: template.id, subject: template.entryKey, vector: template.vector)
        }
        entries[enrolled.entry.key] = enrolled.entry
        version = max(version, enrolled.version)
    }
}
