import Foundation

/// The JSON stored in text columns by every backend: snake_case keys,
/// ISO 8601 dates, sorted keys (stable bytes for the audit chain).
package enum StorageJSON {
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    package static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    package static func text(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    package static func value<T: Decodable>(_ text: String?) throws -> T? {
        guard let text else { return nil }
        return try decoder.decode(T.self, from: Data(text.utf8))
    }

    /// Names (snake_case) of the fields that differ between two entries'
    /// details, from their JSON forms: what an `update` event records.
    package static func changedFields(_ old: EntryDetails, _ new: EntryDetails) throws -> [String] {
        func fields(_ details: EntryDetails) throws -> [String: String] {
            let object = try JSONSerialization.jsonObject(with: try encoder.encode(details)) as? [String: Any] ?? [:]
            return try object.mapValues { value in
                String(decoding: try JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys]), as: UTF8.self)
            }
        }
        let before = try fields(old), after = try fields(new)
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }
}
