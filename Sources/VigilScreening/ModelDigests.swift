import Foundation
import Synchronization
import VigilStorage
import VigilVision

/// SHA-256 of each model file, recorded with every screening so a replay
/// knows the models it ran with, and checked against a recognizer's stated
/// digests before it loads. Hashed once per process for each file as it
/// stands (path, size, modification time): the files are about 125 MB, and
/// every service start (each CLI command, each test) would otherwise hash
/// them again.
enum ModelDigests {
    private struct FileState: Hashable {
        let path: String
        let size: Int
        let modified: Date
    }

    private static let cache = Mutex<[FileState: String]>([:])

    /// Every file the face engine loads with `recognizer`, keyed by file name.
    static func of(directory: String, recognizer: FaceRecognizer) -> [String: String] {
        Dictionary(FaceAnalyzer.modelPaths(modelsDirectory: directory, recognizer: recognizer).compactMap { path in
            digest(path).map { ((path as NSString).lastPathComponent, $0) }
        }, uniquingKeysWith: { first, _ in first })
    }

    /// Refuses a recognizer whose files are not the ones it names: a
    /// template made by another file would be compared as if it were the same
    /// model.
    static func verify(_ recognizer: FaceRecognizer, modelsDirectory: String) throws(VigilError) {
        if let failed = ModelInventory.check(recognizer, modelsDirectory: modelsDirectory).first(where: { $0.problem != nil }) {
            throw VigilError(.modelsUnavailable, "\(failed.file): \(failed.problem ?? "")")
        }
    }

    static func digest(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date else { return nil }
        let state = FileState(path: path, size: size, modified: modified)
        if let known = cache.withLock({ $0[state] }) { return known }
        guard let contents = FileManager.default.contents(atPath: path) else { return nil }
        let digest = TemplateDigest.hex(contents)
        cache.withLock { $0[state] = digest }
        return digest
    }
}
