import Foundation
import VigilScreening
import Yams

/// `vigil serve --config FILE`: every `serve` option from a YAML (or JSON)
/// file, overridden by `VIGIL_<KEY>` environment variables, overridden by
/// flags. The file and the environment become command-line arguments
/// placed before the user's own, so the command's own parsing checks every
/// value and the last occurrence of an option wins. A key the daemon does
/// not know is an error, not ignored: a misspelt `tls_cert` must not start
/// a daemon without TLS.
public enum ServeConfigurationFile {
    public enum Kind: Sendable { case value, flag }

    /// Every `serve` option, as its file key (the flag's name in snake case).
    /// A test checks this list against `vigil serve --help`.
    public static let keys: [String: Kind] = [
        "host": .value, "port": .value, "db": .value, "database": .value, "keys": .value, "max_body_bytes": .value, "import_root": .value,
        "screening_retention_days": .value, "retention_interval_minutes": .value, "checkpoint_every": .value,
        "checkpoint_interval_minutes": .value, "tls_cert": .value, "tls_key": .value, "allow_plain_http": .flag,
        "public_metrics": .flag, "rate_limit": .value, "max_concurrent_screenings": .value, "keep_source_images": .flag,
        "no_face_reference_photos": .flag, "models_dir": .value, "threshold": .value, "face_calibration": .value,
        "finger_calibration": .value, "recognizer": .value, "previous_recognizer": .value,
        "upstream": .value, "upstream_token": .value, "upstream_key": .value, "upstream_ca": .value, "sync_interval_seconds": .value,
        "stale_after_hours": .value,
    ]

    /// `arguments` (without the program name) with the file's and the
    /// environment's settings placed before the user's own.
    public static func expand(_ arguments: [String], environment: [String: String]) throws(VigilError) -> [String] {
        guard arguments.first == "serve" else { return arguments }
        var path: String?
        for (index, argument) in arguments.enumerated() {
            if argument == "--config", index + 1 < arguments.count { path = arguments[index + 1] }
            if argument.hasPrefix("--config=") { path = String(argument.dropFirst("--config=".count)) }
        }
        path = path ?? environment["VIGIL_CONFIG"]
        var settings: [String] = []
        if let path { settings += try options(fromFile: path) }
        for key in keys.keys.sorted() {
            guard let value = environment["VIGIL_" + key.uppercased()] else { continue }
            settings += try option(key, value, source: "VIGIL_\(key.uppercased())")
        }
        return ["serve"] + settings + arguments.dropFirst()
    }

    static func options(fromFile path: String) throws(VigilError) -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw VigilError(.notFound, "cannot read \(path)") }
        let parsed: Any?
        do { parsed = try Yams.load(yaml: text) } catch { throw VigilError(.invalidField, "\(path) is not YAML or JSON: \(error)") }
        guard let object = parsed as? [String: Any] else {
            throw VigilError(.invalidField, "\(path) must hold one mapping of option names to values, e.g. 'port: 8443'")
        }
        var arguments: [String] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) { arguments += try option(key, value, source: path) }
        return arguments
    }

    static func option(_ key: String, _ value: Any, source: String) throws(VigilError) -> [String] {
        guard let kind = keys[key] else {
            let near = keys.keys.min { distance($0, key) < distance($1, key) } ?? ""
            throw VigilError(.invalidField, "\(source): unknown key '\(key.prefix(60))'\(distance(near, key) <= 2 ? " (did you mean '\(near)'?)" : "")")
        }
        let flag = "--" + key.replacingOccurrences(of: "_", with: "-")
        switch kind {
        case .flag:
            switch "\(value)".lowercased() {
            case "true", "1", "yes": return [flag]
            case "false", "0", "no": return []
            default: throw VigilError(.invalidField, "\(source): \(key) is true or false")
            }
        case .value:
            guard value is String || value is Int || value is Double || value is Bool else {
                throw VigilError(.invalidField, "\(source): \(key) takes one value")
            }
            return [flag, "\(value)"]
        }
    }

    /// Edit distance, for the suggestion beside an unknown key.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}
