import Foundation

/// The JSON conventions of every Vigil response: snake_case keys, ISO 8601
/// dates, sorted keys so output is stable for diffs and audits.
public enum VigilJSON {
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Dates as ISO 8601 date-times, or plain dates (`2027-06-30`, read as
    /// midnight UTC), which is how expiry dates are usually written.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: dateExpectation))
            }
            return date
        }
        return decoder
    }

    /// Strict: the formatter alone rolls "2030-02-31" over into March, so
    /// the calendar date must also read back unchanged.
    static let dateExpectation = "expected an ISO 8601 date or date-time"

    public static func parseDate(_ text: String) -> Date? {
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        guard text.count >= 10, let date = day.date(from: String(text.prefix(10))),
              day.string(from: date) == text.prefix(10) else { return nil }
        if text.count == 10 { return date }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
