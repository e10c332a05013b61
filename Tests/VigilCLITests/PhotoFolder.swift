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

    /// `m.jsonl` in `root`: `count` single-face entries `K-0`, `K-1`, … of
    /// `wanted_other`, cycling through `photos`.
    static func writeManifest(_ count: Int, in root: URL, photos: [String]) throws {
        let lines = (0..<count).map { n in
            "{\"external_ref\": \"K-\(n)\", \"name\": \"Person \(n)\", \"category\": \"wanted_other\", \"faces\": [\"\(photos[n % photos.count])\"]}"
        }
        try (lines.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent("m.jsonl"), atomically: true, encoding: .utf8)
    }
}
