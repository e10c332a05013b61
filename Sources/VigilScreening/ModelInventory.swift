import Foundation
import VigilVision

/// The model files a deployment loads, each against the digest it must
/// have: the detectors against `SHA256SUMS` in the models folder (written
/// by Models/fetch-models.sh's source list), the recognizer's networks
/// against the digests the recognizer names (`vigil doctor`).
public enum ModelInventory {
    public struct Check: Sendable, Equatable {
        public let file: String
        /// Nil when the file is there with the digest it must have.
        public let problem: String?
    }

    public static func check(_ configuration: ServiceConfiguration) -> [Check] {
        let directory = configuration.modelsDirectory
        let listed = listedDigests(directory)
        var checks = FaceAnalyzer.detectionModels.map { name in
            check(path: directory + "/" + name, expected: listed[name], source: "\(directory)/SHA256SUMS")
        }
        checks += check(configuration.recognizer, modelsDirectory: directory)
        return checks
    }

    /// The recognizer's networks against the digests it names.
    static func check(_ recognizer: FaceRecognizer, modelsDirectory: String) -> [Check] {
        recognizer.components.map { component in
            check(path: FaceRecognizer.path(of: component, modelsDirectory: modelsDirectory), expected: component.sha256.lowercased(),
                  source: "recognizer \(recognizer.name)")
        }
    }

    private static func check(path: String, expected: String?, source: String) -> Check {
        guard FileManager.default.fileExists(atPath: path) else { return Check(file: path, problem: "missing: run Models/fetch-models.sh") }
        guard let expected else { return Check(file: path, problem: "no digest to check against in \(source)") }
        guard let found = ModelDigests.digest(path) else { return Check(file: path, problem: "cannot be read") }
        return Check(file: path, problem: found == expected ? nil : "SHA-256 \(found), expected \(expected) (\(source)): corrupted or replaced")
    }

    /// `SHA256SUMS` lines: `<hex>  <file name>`.
    private static func listedDigests(_ directory: String) -> [String: String] {
        guard let text = try? String(contentsOfFile: directory + "/SHA256SUMS", encoding: .utf8) else { return [:] }
        var digests: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2 { digests[String(parts[1])] = String(parts[0]).lowercased() }
        }
        return digests
    }
}
