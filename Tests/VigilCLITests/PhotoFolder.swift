import Foundation
import VigilTestSupport

/// A fresh folder holding copies of the lfw10 and johns photos, for a
/// daemon's `--import-root`: copies, not a link, because the daemon refuses
/// samples that resolve outside its import folder.
enum PhotoFolder {
    /// The folder and the photos' paths relative to it.
    static func make(_ prefix: String) throws -> (root: URL, photos: [String]) {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let photos = try (TestData.identities("lfw10") + TestData.identities("johns")).flatMap(\.files)
        for photo in photos {
            let target = root.appendingPathComponent(photo)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: TestData.url(photo), to: target)
        }
        return (root, photos)
    }
}
