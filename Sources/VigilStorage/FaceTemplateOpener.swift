import Dispatch
import Foundation
import Synchronization

/// Opens face template rows as they stream from the database. A node's
/// start-up opens every template of the watchlist, a million AES-GCM values
/// at a national scale, so the work is shaped for that:
/// - the reading thread copies each row's bytes into one batch buffer (no
///   object per row, no string per row);
/// - a full batch is opened on the other cores while the next one is read,
///   at most two batches in flight, so memory holds two batches of sealed
///   rows, not the watchlist twice.
///
/// Rows come back in the order added. `add` and `finish` wait for the
/// opening threads (a third batch waits for the first); called from a
/// task, they hold its thread for at most that, a few milliseconds.
package final class FaceTemplateOpener {
    static let batchSize = 16_384
    private let keys: KeyRing
    private var batch = SealedFaceBatch()
    private var submitted = 0
    private let group = DispatchGroup()
    private let inFlight = DispatchSemaphore(value: 2)
    private let results = OpenedBatches()

    /// Each batch's outcome by its number, written by the opening threads.
    private final class OpenedBatches: Sendable {
        let byNumber = Mutex([Int: Result<[StoredFaceTemplate], StorageError>]())
    }

    package init(keys: KeyRing) {
        self.keys = keys
    }

    /// Adds one row; its buffers are copied, so they may be the database's own.
    package func add(id: Int64, entryKey: Int64, quantized: UnsafeRawBufferPointer?, digest: UnsafeRawBufferPointer,
                     keyID: Int64?, model: UnsafeRawBufferPointer) {
        batch.append(id: id, entryKey: entryKey, quantized: quantized, digest: digest, keyID: keyID, model: model)
        if batch.count >= Self.batchSize { submit() }
    }

    /// Every row added, opened, in the order added.
    package func finish() throws(StorageError) -> [StoredFaceTemplate] {
        submit()
        group.wait()
        let opened = results.byNumber.withLock { $0 }
        var templates: [StoredFaceTemplate] = []
        templates.reserveCapacity(opened.values.reduce(0) { $0 + ((try? $1.get())?.count ?? 0) })
        for number in 0..<submitted {
            guard let result = opened[number] else { continue }
            templates.append(contentsOf: try result.get())
        }
        return templates
    }

    private func submit() {
        guard batch.count > 0 else { return }
        let full = batch, number = submitted, keys = self.keys
        batch = SealedFaceBatch()
        submitted += 1
        inFlight.wait()
        DispatchQueue.global().async(group: group) { [results, inFlight] in
            let opened = Result { () throws(StorageError) in try full.open(keys: keys) }
            results.byNumber.withLock { $0[number] = opened }
            inFlight.signal()
        }
    }
}

/// Sealed face template rows packed into one buffer.
struct SealedFaceBatch: Sendable {
    private struct Row: Sendable {
        let id: Int64
        let entryKey: Int64
        let keyID: Int64?
        let sealed: Range<Int>?
        let digest: Range<Int>
        let model: Int
    }

    private var rows: [Row] = []
    private var bytes: [UInt8] = []
    /// Distinct recognizer identities: a watchlist has one or two.
    private var models: [String] = []
    private var modelBytes: [[UInt8]] = []

    var count: Int { rows.count }

    mutating func append(id: Int64, entryKey: Int64, quantized: UnsafeRawBufferPointer?, digest: UnsafeRawBufferPointer,
                         keyID: Int64?, model: UnsafeRawBufferPointer) {
        if rows.isEmpty {
            rows.reserveCapacity(FaceTemplateOpener.batchSize)
            bytes.reserveCapacity(FaceTemplateOpener.batchSize * ((quantized?.count ?? 0) + digest.count))
        }
        let sealed = quantized.map { copy($0) }
        var modelIndex = modelBytes.lastIndex { known in
            known.count == model.count && (model.isEmpty || known.withUnsafeBytes { memcmp($0.baseAddress!, model.baseAddress!, model.count) == 0 })
        }
        if modelIndex == nil {
            models.append(String(decoding: model, as: UTF8.self))
            modelBytes.append(Array(model))
            modelIndex = models.count - 1
        }
        rows.append(Row(id: id, entryKey: entryKey, keyID: keyID, sealed: sealed, digest: copy(digest), model: modelIndex ?? 0))
    }

    private mutating func copy(_ source: UnsafeRawBufferPointer) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: source)
        return start..<bytes.count
    }

    /// Every row opened, split into one contiguous share per core.
    func open(keys: KeyRing) throws(StorageError) -> [StoredFaceTemplate] {
        // Below a few hundred rows the threads cost more than they save.
        let shares = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows.count / 256))
        let perShare = (rows.count + shares - 1) / shares
        let opened = Mutex([Result<[StoredFaceTemplate], StorageError>?](repeating: nil, count: shares))
        DispatchQueue.concurrentPerform(iterations: shares) { share in
            let range = min(rows.count, share * perShare)..<min(rows.count, (share + 1) * perShare)
            let result = Result { () throws(StorageError) in try open(range, keys: keys) }
            opened.withLock { $0[share] = result }
        }
        var templates: [StoredFaceTemplate] = []
        templates.reserveCapacity(rows.count)
        for result in opened.withLock({ $0 }) {
            guard let result else { continue }
            templates.append(contentsOf: try result.get())
        }
        return templates
    }

    private func open(_ range: Range<Int>, keys: KeyRing) throws(StorageError) -> [StoredFaceTemplate] {
        // The authenticated context, `face_template.quantized:<digest>`, rebuilt in place per row.
        let prefix = Array(TemplateColumn.faceQuantized.context(digest: "").utf8)
        var context = prefix
        var opener = keys.bulkOpener()
        // withUnsafeBytes rethrows untyped errors: the typed one travels in a Result.
        return try bytes.withUnsafeBytes { buffer in Result { () throws(StorageError) -> [StoredFaceTemplate] in
            var templates: [StoredFaceTemplate] = []
            templates.reserveCapacity(range.count)
            for row in rows[range] {
                let digest = UnsafeRawBufferPointer(rebasing: buffer[row.digest])
                var quantized: [UInt8]?
                if let sealed = row.sealed {
                    let stored = UnsafeRawBufferPointer(rebasing: buffer[sealed])
                    if row.keyID == nil {
                        quantized = Array(stored)
                    } else {
                        context.removeSubrange(prefix.count...)
                        context.append(contentsOf: digest)
                        quantized = try context.withUnsafeBytes { context in
                            Result { () throws(StorageError) in try opener.open(stored, context: context) }
                        }.get()
                    }
                }
                templates.append(StoredFaceTemplate(id: row.id, entryKey: row.entryKey, quantized: quantized,
                                                    digest: String(decoding: digest, as: UTF8.self), model: models[row.model]))
            }
            return templates
        } }.get()
    }
}
