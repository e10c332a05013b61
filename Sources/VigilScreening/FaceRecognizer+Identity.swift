import Foundation
import VigilStorage
import VigilVision

extension FaceRecognizer {
    /// What every template, screening record and calibration names: the
    /// recognizer's name and a digest of everything that shapes its templates
    /// (each file's SHA-256, dimension, weight and input), so two
    /// configurations that could make different templates never share an
    /// identity, while moving a file or renaming a component changes nothing.
    public var identity: String {
        let shape = components.map { c in
            var fields = [c.kind.rawValue, c.sha256.lowercased(), "\(c.dimension)", "\(c.weight)"]
            if c.kind == .dnn, let input = c.input {
                fields += ["\(input.size)", "\(input.padding)", input.channels.rawValue,
                           input.mean.map { "\($0)" }.joined(separator: ","), input.scale.map { "\($0)" }.joined(separator: ",")]
            }
            return fields.joined(separator: " ")
        }.joined(separator: ";")
        return name + "@" + TemplateDigest.hex(Data(shape.utf8)).prefix(12)
    }

    /// A recognizer file (JSON, unknown keys refused) as a deployment writes
    /// it; its `calibration` path is made relative to the file's folder.
    public static func load(path: String) throws(VigilError) -> FaceRecognizer {
        guard let data = FileManager.default.contents(atPath: path) else { throw VigilError(.notFound, "cannot read \(path)") }
        var recognizer: FaceRecognizer
        do {
            try checkKeys(data)
            recognizer = try StrictJSON.decode(FaceRecognizer.self, from: data, allowedKeys: fileKeys)
        } catch {
            throw VigilError(error.code, "\(path): \(error.message)")
        }
        if let problem = recognizer.problem { throw VigilError(.invalidField, "\(path): \(problem)") }
        if let calibration = recognizer.calibration, !calibration.hasPrefix("/") {
            recognizer.calibration = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(calibration)
        }
        return recognizer
    }

    private static let fileKeys: Set<String> = ["name", "components", "calibration"]
    private static let componentKeys: Set<String> = ["name", "kind", "file", "sha256", "dimension", "weight", "input"]
    private static let inputKeys: Set<String> = ["size", "padding", "channels", "mean", "scale"]

    /// A misspelt key inside a component (say `paddng`) must not fall back to
    /// a default silently: it would change every template.
    private static func checkKeys(_ data: Data) throws(VigilError) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw VigilError(.malformedJSON, "not a JSON object")
        }
        for (number, component) in (object["components"] as? [Any] ?? []).enumerated() {
            guard let component = component as? [String: Any] else { continue }
            if let unknown = component.keys.sorted().first(where: { !componentKeys.contains($0) }) {
                throw VigilError(.invalidField, "components[\(number)]: unknown field '\(unknown.prefix(40))'")
            }
            if let input = component["input"] as? [String: Any],
               let unknown = input.keys.sorted().first(where: { !inputKeys.contains($0) }) {
                throw VigilError(.invalidField, "components[\(number)].input: unknown field '\(unknown.prefix(40))'")
            }
        }
    }
}
