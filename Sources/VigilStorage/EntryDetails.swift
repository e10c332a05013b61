import Foundation

/// The descriptive part of a watchlist entry, as administrators write it.
/// Only the entry row holds these fields: events and screenings refer to the
/// entry by its pseudonymous id, so removal erases the person's data.
public struct EntryDetails: Sendable, Equatable, Codable {
    public var name: String
    public var category: String
    public var aliases: [String]
    /// ISO 8601 calendar date, possibly partial: YYYY, YYYY-MM or YYYY-MM-DD.
    public var dateOfBirth: String?
    /// ISO 3166-1 alpha-3 code.
    public var nationality: String?
    public var documents: [IdentityDocument]
    public var issuingAuthority: String?
    /// Reference to the legal basis for the alert (e.g. a warrant or court order number).
    public var legalBasis: String?
    public var handlingInstructions: String?
    public var expiresAt: Date?
    /// The issuing system's own key: makes imports idempotent.
    public var externalRef: String?

    public init(name: String, category: String, aliases: [String] = [], dateOfBirth: String? = nil, nationality: String? = nil,
                documents: [IdentityDocument] = [], issuingAuthority: String? = nil, legalBasis: String? = nil,
                handlingInstructions: String? = nil, expiresAt: Date? = nil, externalRef: String? = nil) {
        self.name = name
        self.category = category
        self.aliases = aliases
        self.dateOfBirth = dateOfBirth
        self.nationality = nationality
        self.documents = documents
        self.issuingAuthority = issuingAuthority
        self.legalBasis = legalBasis
        self.handlingInstructions = handlingInstructions
        self.expiresAt = expiresAt
        self.externalRef = externalRef
    }
}

/// A travel or identity document known for the person.
public struct IdentityDocument: Sendable, Equatable, Codable {
    /// e.g. "passport", "id_card".
    public var type: String
    public var number: String
    /// ISO 3166-1 alpha-3 code of the issuing state.
    public var issuingCountry: String?

    public init(type: String, number: String, issuingCountry: String? = nil) {
        self.type = type
        self.number = number
        self.issuingCountry = issuingCountry
    }
}
