import Foundation

/// Captures with several people, composed from real photos by ImageMagick
/// (`/usr/bin/convert`, installed by scripts/install-deps.sh; a stand-in
/// earlier on PATH is not ImageMagick).
public enum ComposedCapture {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `left` at full size beside `right` scaled by `rightScale`, as one JPEG.
    public static func sideBySide(_ left: String, _ right: String, rightScale: Double) throws -> [UInt8] {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-capture-\(UUID().uuidString).jpg")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/convert")
        process.arguments = [TestData.url(left).path,
                             "(", TestData.url(right).path, "-resize", "\(Int(rightScale * 100))%", ")",
                             "-background", "grey", "-gravity", "center", "+append", output.path]
        do { try process.run() } catch { throw Failure(description: "ImageMagick is needed: apt-get install imagemagick (\(error))") }
        process.waitUntilExit()
        guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: output.path) else {
            throw Failure(description: "convert exited with \(process.terminationStatus)")
        }
        return [UInt8](data)
    }
}
