import Foundation
import GRDB
import VigilStorage

/// Headquarters' side of post sync: a page of changes read in one snapshot.
extension SQLiteStore {
    public func feedPage(after version: Int64, limit: Int) async throws(StorageError) -> FeedPage {
        let keys = self.keys
        return try await read { db in
            let events = try Self.events(after: version, limit: limit, db)
            let ids = FeedCut.entryIDs(events)
            var entries: [StoredEntry] = []
            for chunk in Self.chunks(ids) {
                entries += try Row.fetchAll(db, sql: """
                    SELECT \(EntryRow.columns) FROM watchlist_entry e WHERE e.id IN (\(Self.placeholders(chunk.count)))
                    """, arguments: StatementArguments(chunk)).map { try EntryRow.decode($0) }
            }
            let categories = FeedCut.changedCategories(events)
            if !categories.isEmpty {
                entries += try Row.fetchAll(db, sql: """
                    SELECT \(EntryRow.columns) FROM watchlist_entry e WHERE e.category IN (\(Self.placeholders(categories.count)))
                    """, arguments: StatementArguments(categories)).map { try EntryRow.decode($0) }
            }
            let cut = FeedCut(after: version, head: try Self.version(db), limit: limit, events: events, entries: entries)
            var faces: [Int64: [FeedFace]] = [:]
            var fingers: [Int64: [StoredFingerTemplate]] = [:]
            for chunk in Self.chunks(cut.kept.map(\.key)) {
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT id, entry_key, model, vector, digest, key_id FROM face_template
                    WHERE entry_key IN (\(Self.placeholders(chunk.count))) ORDER BY id
                    """, arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    let id: Int64 = row[0]
                    guard let bytes = try TemplateSealing.unseal(row[3], .faceVector, digest: row[4], keyID: row[5], keys: keys),
                          let vector = VectorBlob.decode(Data(bytes)) else { throw StorageError.corruptTemplate(id: id) }
                    faces[row[1], default: []].append(FeedFace(model: row[2], vector: vector))
                }
                for finger in try Self.fingerTemplates(db, "entry_key IN (\(Self.placeholders(chunk.count)))",
                                                       StatementArguments(chunk), keys: keys) {
                    fingers[finger.entryKey, default: []].append(finger)
                }
            }
            return cut.page(faces: faces, fingers: fingers, categories: cut.categoriesChanged ? try Self.categories(db) : nil)
        }
    }
}
