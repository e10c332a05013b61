import Foundation

/// Locates the labelled test data (`VIGIL_TESTDATA`, else `../shared/data`
/// beside the project root) and the model files. Tests that need them are
/// skipped with a clear note on a developer machine without them; under CI
/// (`CI=true`) they run and fail instead, so a green CI always means they ran.
public enum TestData {
    public static let projectRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static var root: URL {
        if let path = ProcessInfo.processInfo.environment["VIGIL_TESTDATA"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return projectRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    public static var modelsDirectory: String { projectRoot.appendingPathComponent("Models").path }

    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    public static var dataPresent: Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent("faces/lfw10").path) }

    public static var modelsPresent: Bool {
        FileManager.default.fileExists(atPath: modelsDirectory + "/dlib_face_recognition_resnet_model_v1.dat")
    }

    /// For `.enabled(if:)`: run when present, and always under CI.
    public static var shouldRunDataTests: Bool {
        if !dataPresent { print("NOTE: test data not found at \(root.path); set VIGIL_TESTDATA. Data tests \(isCI ? "will fail" : "are skipped").") }
        return (dataPresent && modelsPresent) || isCI
    }

    public static var shouldRunModelTests: Bool {
        if !modelsPresent { print("NOTE: models not found in \(modelsDirectory); run Models/fetch-models.sh. Model tests \(isCI ? "will fail" : "are skipped").") }
        return modelsPresent || isCI
    }

    public static func url(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    public static func bytes(_ relative: String) throws -> [UInt8] {
        let url = url(relative)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw MissingTestData(path: url.path)
        }
        return [UInt8](data)
    }

    /// Every file under `folder` (recursively) whose name ends in `.ext`, relative to the data root, sorted.
    public static func files(in folder: String, extension ext: String) throws -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: url(folder).path) else { throw MissingTestData(path: url(folder).path) }
        let found = walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".\(ext)") }.sorted().map { "\(folder)/\($0)" }
        guard !found.isEmpty else { throw MissingTestData(path: url(folder).path) }
        return found
    }

    /// `faces/<set>/<identity>/<file>` for every image of a labelled set, sorted.
    public static func identities(_ set: String) throws -> [(identity: String, files: [String])] {
        let base = url("faces/\(set)")
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: base.path) else { throw MissingTestData(path: base.path) }
        return try names.sorted().compactMap { name in
            let folder = base.appendingPathComponent(name)
            guard let files = try? fm.contentsOfDirectory(atPath: folder.path) else { return nil }
            let images = files.filter { $0.hasSuffix(".jpg") }.sorted().map { "faces/\(set)/\(name)/\($0)" }
            guard !images.isEmpty else { throw MissingTestData(path: folder.path) }
            return (name, images)
        }
    }

    public struct MissingTestData: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "test data missing: \(path) (set VIGIL_TESTDATA or place shared/data beside the project)" }
    }
}
