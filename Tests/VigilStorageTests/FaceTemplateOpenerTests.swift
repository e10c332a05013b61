import Foundation
import Testing
@testable import VigilStorage

/// Start-up opens every stored face template through `FaceTemplateOpener`:
/// batches opened on other threads while the next is read must come back
/// whole, in order, and a value that does not open must stop the load.
@Suite("Opening a watchlist's sealed face templates in bulk")
struct FaceTemplateOpenerTests {
    struct Row {
        let id: Int64
        let quantized: [UInt8]
        let sealed: Data?
        let digest: String
        let model: String
    }

    func rows(_ count: Int, keys: KeyRing) throws -> [Row] {
        try (0..<count).map { i in
            let quantized = (0..<36).map { UInt8(truncatingIfNeeded: i &* 31 &+ $0) }
            let digest = String(format: "%064x", i)
            // Two recognizers, and some rows from before sealing (no key id).
            return Row(id: Int64(i + 1), quantized: quantized,
                       sealed: i % 1_000 == 7 ? nil : try TemplateSealing.seal(quantized, .faceQuantized, digest: digest, keys: keys),
                       digest: digest, model: i % 3 == 0 ? "previous@1" : "current@2")
        }
    }

    func open(_ rows: [Row], keys: KeyRing, tamper: Int? = nil) throws(StorageError) -> [StoredFaceTemplate] {
        let opener = FaceTemplateOpener(keys: keys)
        for (index, row) in rows.enumerated() {
            var stored = row.sealed.map([UInt8].init) ?? row.quantized
            if index == tamper { stored[stored.count - 1] ^= 1 }
            stored.withUnsafeBytes { stored in
                Array(row.digest.utf8).withUnsafeBytes { digest in
                    Array(row.model.utf8).withUnsafeBytes { model in
                        opener.add(id: row.id, entryKey: row.id * 10, quantized: stored, digest: digest,
                                   keyID: row.sealed == nil ? nil : 1, model: model)
                    }
                }
            }
        }
        return try opener.finish()
    }

    @Test("several batches come back whole and in order, sealed and unsealed rows alike")
    func inOrder() throws {
        let keys = KeyRing.ephemeral()
        let rows = try rows(FaceTemplateOpener.batchSize * 3 + 123, keys: keys)
        let opened = try open(rows, keys: keys)
        #expect(opened.count == rows.count)
        #expect(opened.map(\.id) == rows.map(\.id))
        #expect(zip(opened, rows).allSatisfy { $0.quantized == $1.quantized && $0.digest == $1.digest && $0.model == $1.model
            && $0.entryKey == $1.id * 10 })
    }

    @Test("one altered value in a later batch fails the whole load")
    func altered() throws {
        let keys = KeyRing.ephemeral()
        let rows = try rows(FaceTemplateOpener.batchSize * 2 + 5, keys: keys)
        #expect(throws: StorageError.self) { try open(rows, keys: keys, tamper: FaceTemplateOpener.batchSize + 11) }
        // Sealed under another key: does not open either.
        #expect(throws: StorageError.self) { try open(rows, keys: KeyRing.ephemeral()) }
    }
}
