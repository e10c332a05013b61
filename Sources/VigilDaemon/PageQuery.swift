import Hummingbird
import VigilScreening

/// Query parameters of list routes: `limit` (1...1000, default 50) and
/// `offset` (0...), refused with `invalid_field` when out of range.
struct PageQuery {
    let parameters: [String: String]
    let limit: Int
    let offset: Int

    init(_ request: Request) throws(VigilError) {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value).removingPercentEncoding ?? String(value) }
        self.parameters = parameters
        limit = try Self.integer(parameters, "limit", default: 50, range: 1...ScreeningService.maxPageSize)
        offset = try Self.integer(parameters, "offset", default: 0, range: 0...Int(Int32.max))
    }

    func text(_ name: String) -> String? { parameters[name].flatMap { $0.isEmpty ? nil : $0 } }

    func integer(_ name: String, default value: Int, range: ClosedRange<Int>) throws(VigilError) -> Int {
        try Self.integer(parameters, name, default: value, range: range)
    }

    private static func integer(_ parameters: [String: String], _ name: String, default value: Int,
                                range: ClosedRange<Int>) throws(VigilError) -> Int {
        guard let text = parameters[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw VigilError(.invalidField, "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }
}
