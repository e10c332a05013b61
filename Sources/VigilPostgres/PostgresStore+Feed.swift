import Foundation
import PostgresNIO
import VigilStorage

/// Headquarters' side of post sync: a page of changes read in one snapshot.
extension PostgresStore {
    public func feedPage(after version: Int64, limit: Int) async throws(StorageError) -> FeedPage {
        let keys = self.keys
        return try await read { db in
            let events = try await Self.events(after: version, limit: limit, entry: nil, db)
            let entries = try await db.rows("""
                SELECT \(PostgresEntryRow.columns) FROM watchlist_entry e WHERE e.id = ANY(?) OR e.category = ANY(?)
                """, [TextArray(values: FeedCut.entryIDs(events)), TextArray(values: FeedCut.changedCategories(events))])
                .map { try PostgresEntryRow.decode($0) }
            let cut = FeedCut(after: version, head: try await Self.version(db), limit: limit, events: events, entries: entries)
            let entryKeys = cut.kept.map(\.key)
            var faces: [Int64: [FeedFace]] = [:]
            for row in try await db.rows("""
                SELECT id, entry_key, model, vector, digest, key_id FROM face_template WHERE entry_key = ANY(?) ORDER BY id
                """, [entryKeys]) {
                let id: Int64 = try row.get(0)
                guard let bytes = try TemplateSealing.unseal(try row.get(3, as: Data?.self), .faceVector, digest: try row.get(4),
                                                            keyID: try row.get(5), keys: keys),
                      let vector = VectorBlob.decode(Data(bytes)) else { throw StorageError.corruptTemplate(id: id) }
                faces[try row.get(1), default: []].append(FeedFace(model: try row.get(2), vector: vector))
            }
            let fingers = Dictionary(grouping: try await Self.fingerTemplates(db, "entry_key = ANY(?)", [entryKeys], keys: keys),
                                     by: \.entryKey)
            return cut.page(faces: faces, fingers: fingers,
                            categories: cut.categoriesChanged ? try await Self.categories(db) : nil)
        }
    }
}
