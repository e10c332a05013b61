import Dispatch
import Foundation
import Synchronization

/// A face template row as the database returns it, still sealed.
package struct SealedFaceTemplate: Sendable {
    let id: Int64
    let entryKey: Int64
    let quantized: Data?
    let digest: String
    let keyID: Int64?
    let model: String

    package init(id: Int64, entryKey: Int64, quantized: Data?, digest: String, keyID: Int64?, model: String) {
        self.id = id
        self.entryKey = entryKey
        self.quantized = quantized
        self.digest = digest
        self.keyID = keyID
        self.model = model
    }
}

/// Opens face template rows as they stream from the database, a batch at a
/// time on every core. A node's start-up opens every template of the
/// watchlist, a million AES-GCM values at a national scale: on one core that
/// alone took seconds. Rows keep their order; memory holds one batch of
/// sealed rows at a time, not the whole watchlist twice.
package struct FaceTemplateOpener {
    static let batchSize = 16_384
    private let keys: KeyRing
    private var pending: [SealedFaceTemplate] = []
    private var opened: [StoredFaceTemplate] = []

    package init(keys: KeyRing) {
        self.keys = keys
        pending.reserveCapacity(Self.batchSize)
    }

    package mutating func add(_ row: SealedFaceTemplate) throws(StorageError) {
        pending.append(row)
        if pending.count >= Self.batchSize { try flush() }
    }

    /// Every row added, opened, in the order added.
    package mutating func finish() throws(StorageError) -> [StoredFaceTemplate] {
        try flush()
        return opened
    }

    private mutating func flush() throws(StorageError) {
        guard !pending.isEmpty else { return }
        opened.append(contentsOf: try Self.open(pending, keys: keys))
        pending.removeAll(keepingCapacity: true)
    }

    /// Opens `rows` split into one contiguous share per core.
    static func open(_ rows: [SealedFaceTemplate], keys: KeyRing) throws(StorageError) -> [StoredFaceTemplate] {
        // Below a few hundred rows the threads cost more than they save.
        let shares = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows.count / 256))
        let perShare = (rows.count + shares - 1) / shares
        let results = Mutex([Result<[StoredFaceTemplate], StorageError>?](repeating: nil, count: shares))
        DispatchQueue.concurrentPerform(iterations: shares) { share in
            let slice = rows[min(rows.count, share * perShare)..<min(rows.count, (share + 1) * perShare)]
            let result = Result { () throws(StorageError) in try slice.map { row throws(StorageError) in try open(row, keys: keys) } }
            results.withLock { $0[share] = result }
        }
        var opened: [StoredFaceTemplate] = []
        opened.reserveCapacity(rows.count)
        for result in results.withLock({ $0 }) {
            guard let result else { continue }
            opened.append(contentsOf: try result.get())
        }
        return opened
    }

    private static func open(_ row: SealedFaceTemplate, keys: KeyRing) throws(StorageError) -> StoredFaceTemplate {
        let quantized = try TemplateSealing.unseal(row.quantized, .faceQuantized, digest: row.digest, keyID: row.keyID, keys: keys)
        return StoredFaceTemplate(id: row.id, entryKey: row.entryKey, quantized: quantized, digest: row.digest, model: row.model)
    }
}
