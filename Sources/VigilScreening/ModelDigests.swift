import Foundation
import Synchronization
import VigilStorage
import VigilVision

/// SHA-256 of each model file, recorded with every screening so a replay
/// knows the models it ran with. Hashed once per process for each file as it
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

    static func of(directory: String) -> [String: String] {
        Dictionary(uniqueKeysWithValues: FaceAnalyzer.requiredModels.compactMap { name -> (String, String)? in
            let path = directory + "/" + name
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date else { return nil }
            let state = FileState(path: path, size: size, modified: modified)
            if let known = cache.withLock({ $0[state] }) { return (name, known) }
            guard let contents = FileManager.default.contents(atPath: path) else { return nil }
            let digest = TemplateDigest.hex(contents)
            cache.withLock { $0[state] = digest }
            return (name, digest)
        })
    }
}
