import ArgumentParser
import Foundation
import VigilScreening

/// The descriptive fields of an entry as command-line options, shared by
/// `enroll` and `watchlist update`.
struct EntryOptions: ParsableArguments {
    @Option(help: "Alias (repeatable).") var alias: [String] = []
    @Option(name: .customLong("date-of-birth"), help: "YYYY, YYYY-MM or YYYY-MM-DD.") var dateOfBirth: String?
    @Option(help: "ISO 3166-1 alpha-3 code, e.g. NGA.") var nationality: String?
    @Option(help: "Document as TYPE:NUMBER[:COUNTRY], e.g. passport:A1234567:NGA (repeatable).") var document: [String] = []
    @Option(name: .customLong("issuing-authority"), help: "Authority that issued the alert.") var issuingAuthority: String?
    @Option(name: .customLong("legal-basis"), help: "Reference to the legal basis (warrant, court order).") var legalBasis: String?
    @Option(name: .customLong("handling-instructions"), help: "Instructions shown to the officer with a hit.") var handlingInstructions: String?
    @Option(help: "Expiry date (YYYY-MM-DD or ISO 8601 date-time); the entry is purged after it.") var expires: String?
    @Option(name: .customLong("external-ref"), help: "The issuing system's key for this entry.") var externalRef: String?

    func documents() throws(VigilError) -> [IdentityDocument] {
        try document.map { text throws(VigilError) in
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard (2...3).contains(parts.count) else { throw VigilError(.invalidField, "--document takes TYPE:NUMBER[:COUNTRY]") }
            return IdentityDocument(type: parts[0], number: parts[1], issuingCountry: parts.count == 3 ? parts[2] : nil)
        }
    }

    func expiry() throws(VigilError) -> Date? {
        guard let expires else { return nil }
        guard let date = VigilJSON.parseDate(expires) else { throw VigilError(.invalidField, "--expires must be an ISO 8601 date") }
        return date
    }

    func details(name: String, category: String) throws(VigilError) -> EntryDetails {
        EntryDetails(name: name, category: category, aliases: alias, dateOfBirth: dateOfBirth, nationality: nationality,
                     documents: try documents(), issuingAuthority: issuingAuthority, legalBasis: legalBasis,
                     handlingInstructions: handlingInstructions, expiresAt: try expiry(), externalRef: externalRef)
    }

    /// The fields given, as a patch (options not given stay unchanged).
    func patch(name: String?, category: String?) throws(VigilError) -> EntryPatch {
        var patch = EntryPatch()
        patch.name = name
        patch.category = category
        if !alias.isEmpty { patch.aliases = alias }
        if !document.isEmpty { patch.documents = try documents() }
        func set(_ value: String?) -> EntryPatch.Change<String> { value.map { .set($0) } ?? .keep }
        patch.dateOfBirth = set(dateOfBirth)
        patch.nationality = set(nationality)
        patch.issuingAuthority = set(issuingAuthority)
        patch.legalBasis = set(legalBasis)
        patch.handlingInstructions = set(handlingInstructions)
        patch.externalRef = set(externalRef)
        patch.expiresAt = try expiry().map { .set($0) } ?? .keep
        return patch
    }
}
