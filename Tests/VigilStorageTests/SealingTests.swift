import Foundation
import GRDB
import Testing
import VigilTestSupport
@testable import VigilSQLite
@testable import VigilStorage

@Suite("Templates sealed at rest")
struct SealingTests {
    let vector: [Float] = (0..<128).map { Float($0) * 0.37 - 11 }
    let record: [UInt8] = Array("FMR\0 20\0".utf8) + (0..<200).map { UInt8($0 % 251) }
    let image: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + (0..<300).map { UInt8(($0 * 7) % 256) }
    let indexKeys: [UInt8] = (0..<120).map { UInt8(($0 * 13 + 5) % 256) }

    func entry() -> NewEntry {
        NewEntry(name: "Sealed Person", category: "wanted_other",
                 faces: [NewFaceTemplate(vector: vector, quantized: (0..<140).map { UInt8($0) }, model: "test-model", sourceImage: image)],
                 fingers: [NewFingerTemplate(position: 2, record: record, cylinders: (0..<96).map { UInt8(255 - $0) },
                                             indexKeys: indexKeys, sourceImage: image)])
    }

    /// Every byte SQLite wrote for the database (main file and write-ahead log).
    func fileBytes(_ path: String) -> [UInt8] {
        [path, path + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }.flatMap { [UInt8]($0) }
    }

    func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    @Test("the SQLite file alone reveals no template and no kept image; everything reads back through the key")
    func fileRevealsNothing() async throws {
        let path = temporaryDatabasePath()
        let store = try await openStore(path)
        let enrolled = try await store.enroll([entry()])[0]
        let bytes = fileBytes(path)
        let plainVector = [UInt8](VectorBlob.encode(vector))
        #expect(!contains(bytes, Array(plainVector.prefix(32))), "the face vector is in the file")
        #expect(!contains(bytes, Array(record.suffix(40))), "the finger record is in the file")
        #expect(!contains(bytes, Array(image.suffix(40))), "the image is in the file")
        #expect(!contains(bytes, Array(indexKeys.suffix(40))), "the finger's index keys are in the file")
        #expect(contains(bytes, Array("Sealed Person".utf8)), "the check itself reads the file")
        let contents = try await store.loadWatchlist()
        #expect(contents.faceTemplates.first?.quantized == (0..<140).map { UInt8($0) })
        #expect(contents.fingerTemplates.first?.record == record)
        #expect(contents.fingerTemplates.first?.indexKeys == indexKeys)
        #expect(try await store.candidateDetails(templateIDs: [enrolled.faceTemplates[0].id]).vectors.first?.value == vector)
    }

    @Test("a sealed value moved to another row does not open")
    func movedValueRefused() async throws {
        let path = temporaryDatabasePath()
        let store = try await openStore(path)
        _ = try await store.enroll([entry(), NewEntry(name: "Other", category: "wanted_other",
                                                      faces: [NewFaceTemplate(vector: vector.reversed(), quantized: [9], model: "test-model")])])
        try await store.write { db in
            try db.execute(sql: "UPDATE face_template SET quantized = (SELECT quantized FROM face_template WHERE id = 1) WHERE id = 2")
        }
        await #expect(throws: StorageError.self) { _ = try await store.loadWatchlist() }
    }

    @Test("rotation re-seals every row under a new key while another process's key ring keeps reading and writing")
    func rotation() async throws {
        let path = temporaryDatabasePath()
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        let daemonKeys = try KeyRing.load(besideDatabase: path, environment: [:])
        let daemon = try await SQLiteStore.open(path: path, keys: daemonKeys)
        try await daemon.seedCategories([WatchlistCategory(name: "wanted_other", description: "d", protective: false, matchThreshold: 0.9,
                                                           confirmations: 1, action: "a")])
        _ = try await daemon.enroll([entry(), entry()])
        let before = try await daemon.loadWatchlist()

        let admin = try await SQLiteStore.open(path: path, keys: try KeyRing.load(besideDatabase: path, environment: [:]))
        let id = try await admin.rotateDataKey(batch: 1)
        #expect(id == 2)
        #expect(try await admin.rowsToReseal() == 0)
        // The daemon's ring learns the new key from the file: it reads the re-sealed rows and seals new ones under it.
        let after = try await daemon.loadWatchlist()
        #expect(after.faceTemplates.map(\.quantized) == before.faceTemplates.map(\.quantized))
        #expect(after.fingerTemplates.map(\.record) == before.fingerTemplates.map(\.record))
        #expect(after.fingerTemplates.map(\.indexKeys) == before.fingerTemplates.map(\.indexKeys) && after.fingerTemplates[0].indexKeys == indexKeys)
        _ = try await daemon.enroll([entry()])
        #expect(try await admin.rowsToReseal() == 0)
        #expect(daemonKeys.currentDataKeyID == 2)
    }
}
