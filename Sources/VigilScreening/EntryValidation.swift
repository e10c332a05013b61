import Foundation

/// Checks an entry's descriptive fields before anything is stored. Limits
/// keep one record from filling the database or a screen; formats are the
/// ISO ones border systems exchange (dates, alpha-3 country codes).
enum EntryValidation {
    static let maxText = 200
    static let maxLongText = 2000
    static let maxAliases = 20
    static let maxDocuments = 10

    static func validated(_ raw: EntryDetails, categories: Set<String>, now: Date = Date()) throws(VigilError) -> EntryDetails {
        var d = raw
        d.name = try text(d.name, "name", max: maxText)
        guard categories.contains(d.category) else {
            throw VigilError(.unknownCategory, "category '\(d.category.prefix(64))' is not one of: \(categories.sorted().joined(separator: ", "))")
        }
        guard d.aliases.count <= maxAliases else { throw VigilError(.invalidField, "at most \(maxAliases) aliases") }
        d.aliases = try d.aliases.map { alias throws(VigilError) in try text(alias, "aliases", max: maxText) }
        if let dob = d.dateOfBirth { d.dateOfBirth = try dateOfBirth(dob, now: now) }
        if let nationality = d.nationality { d.nationality = try country(nationality, "nationality") }
        guard d.documents.count <= maxDocuments else { throw VigilError(.invalidField, "at most \(maxDocuments) documents") }
        d.documents = try d.documents.map { doc throws(VigilError) in
            IdentityDocument(type: try text(doc.type, "documents.type", max: 32), number: try text(doc.number, "documents.number", max: 64),
                             issuingCountry: try doc.issuingCountry.map { c throws(VigilError) in try country(c, "documents.issuing_country") })
        }
        d.issuingAuthority = try optional(d.issuingAuthority, "issuing_authority", max: maxText)
        d.legalBasis = try optional(d.legalBasis, "legal_basis", max: maxLongText)
        d.handlingInstructions = try optional(d.handlingInstructions, "handling_instructions", max: maxLongText)
        d.externalRef = try optional(d.externalRef, "external_ref", max: 128)
        if let expiry = d.expiresAt, expiry <= now {
            throw VigilError(.invalidField, "expires_at is in the past")
        }
        return d
    }

    private static func text(_ value: String, _ field: String, max: Int) throws(VigilError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= max else { throw VigilError(.invalidField, "\(field) must hold 1 to \(max) characters") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw VigilError(.invalidField, "\(field) contains control characters")
        }
        return trimmed
    }

    private static func optional(_ value: String?, _ field: String, max: Int) throws(VigilError) -> String? {
        guard let value else { return nil }
        return try text(value, field, max: max)
    }

    private static func country(_ value: String, _ field: String) throws(VigilError) -> String {
        let code = value.uppercased()
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw VigilError(.invalidField, "\(field) must be an ISO 3166-1 alpha-3 code, e.g. NGA")
        }
        return code
    }

    /// YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date, not in the future.
    static func dateOfBirth(_ value: String, now: Date) throws(VigilError) -> String {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        let invalid = VigilError(.invalidField, "date_of_birth must be YYYY, YYYY-MM or YYYY-MM-DD")
        guard (1...3).contains(parts.count), parts[0].count == 4, parts.dropFirst().allSatisfy({ $0.count == 2 }),
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && Int($0) != nil }) else { throw invalid }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let numbers = parts.compactMap { Int($0) }
        let components = DateComponents(year: numbers[0], month: numbers.count > 1 ? numbers[1] : 1, day: numbers.count > 2 ? numbers[2] : 1)
        guard numbers[0] >= 1900, components.isValidDate(in: calendar), let date = calendar.date(from: components), date <= now else {
            throw invalid
        }
        return value
    }
}
