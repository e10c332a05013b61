import Foundation
import Testing
import VigilTestSupport
@testable import VigilStorage

/// Index keys stored again for existing finger templates (an upgrade's
/// new hashing): derived data, sealed like the rest of its row.
@Suite("Finger index keys replaced in stored rows")
struct FingerIndexKeysStoreTests {
    @Test("replaced keys read back, each sealed under its row's data key, not the current one; no version; erased rows skipped",
          arguments: Backend.available)
    func replacedUnderRowKey(backend: Backend) async throws {
        let keyFolder = temporaryDatabasePath("vigil-keys")
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: keyFolder).deletingLastPathComponent(), withIntermediateDirectories: true)
        let keys = try KeyRing.load(besideDatabase: keyFolder, environment: [:])
        let (store, location) = try await backend.fresh(keys: keys)
        let finger = NewFingerTemplate(position: 1, record: Array("FMR\0 minutiae record".utf8), cylinders: Array(repeating: 0x33, count: 64),
                                       indexKeys: Array(repeating: 0x4B, count: 48))
        let enrolled = try await store.enroll([NewEntry(name: "Keyed", category: "wanted_other", faces: [], fingers: [finger])])[0]
        let id = try #require(enrolled.fingerTemplates.first?.id)
        let version = try await store.watchlistVersion()
        _ = try store.addDataKey()
        let fresh: [UInt8] = (0..<60).map { UInt8($0 * 7 % 256) }
        #expect(try await store.replaceFingerIndexKeys([id: fresh, id + 1_000: [1, 2, 3]]) == 1)
        #expect(try await store.loadWatchlist(asOf: nil).fingerTemplates.first?.indexKeys == fresh)
        #expect(try await store.watchlistVersion() == version)
        // The sealed value names its key in bytes 1 to 4 (`KeyRing.seal`): the row's, 1, while 2 is current.
        let raw = backend.raw(location)
        let sealedKey = backend == .sqlite ? "hex(substr(index_keys, 2, 4))" : "encode(substring(index_keys from 2 for 4), 'hex')"
        #expect(try raw.text("SELECT key_id FROM finger_template") == "1")
        #expect(try raw.text("SELECT \(sealedKey) FROM finger_template")?.lowercased() == "00000001")
        #expect(keys.currentDataKeyID == 2)
    }
}
