import Foundation

/// Decodes one JSON object strictly: a field Vigil does not know is refused
/// (a misspelt field must not be silently ignored), and each decoding
/// failure becomes a `VigilError` naming the field in snake_case.
public enum StrictJSON {
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, allowedKeys: Set<String>,
                                            defaults: [String: String] = [:]) throws(VigilError) -> T {
        guard let parsed = try? JSONSerialization.jsonObject(with: data) else {
            throw VigilError(.malformedJSON, "invalid JSON")
        }
        guard var object = parsed as? [String: Any] else { throw VigilError(.malformedJSON, "not a JSON object") }
        if let unknown = object.keys.sorted().first(where: { !allowedKeys.contains($0) }) {
            throw VigilError(.invalidField, "unknown field '\(unknown.prefix(40))'")
        }
        for (key, value) in defaults where object[key] == nil { object[key] = value }
        do {
            return try VigilJSON.decoder().decode(T.self, from: try JSONSerialization.data(withJSONObject: object))
        } catch DecodingError.keyNotFound(let key, _) {
            throw VigilError(.missingField, "missing field '\(snake(key.stringValue))'")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw VigilError(.invalidField, "field '\(field(context))' has the wrong type")
        } catch DecodingError.dataCorrupted(let context) where context.debugDescription.contains(VigilJSON.dateExpectation) {
            throw VigilError(.invalidField, "bad date in \(field(context))")
        } catch DecodingError.dataCorrupted(let context) {
            throw VigilError(.invalidField, "field '\(field(context))' is not valid")
        } catch {
            throw VigilError(.malformedJSON, "invalid JSON")
        }
    }

    public static func snake(_ name: String) -> String {
        name.reduce(into: "") { out, ch in out += ch.isUppercase ? "_" + ch.lowercased() : String(ch) }
    }

    private static func field(_ context: DecodingError.Context) -> String {
        snake(context.codingPath.first?.stringValue ?? "?")
    }
}

extension EntryPatch {
    public static let fieldNames: Set<String> = Set(CodingKeys.allCases.map { StrictJSON.snake($0.rawValue) })
}

extension WatchlistCategory {
    public static let fieldNames: Set<String> = ["name", "description", "protective", "match_threshold", "target_fpir", "confirmations",
                                                 "action", "posts"]
}
