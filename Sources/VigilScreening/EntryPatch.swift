import Foundation

/// A partial update of an entry's details, as PATCH sends it: a field left
/// out stays as it is; an optional field sent as null is cleared.
public struct EntryPatch: Sendable, Decodable, Equatable {
    public enum Change<Value: Sendable & Equatable>: Sendable, Equatable {
        case keep, clear, set(Value)

        func applied(to value: Value?) -> Value? {
            switch self {
            case .keep: return value
            case .clear: return nil
            case .set(let new): return new
            }
        }
    }

    public var name: String?
    public var category: String?
    public var aliases: [String]?
    public var documents: [IdentityDocument]?
    public var dateOfBirth: Change<String> = .keep
    public var nationality: Change<String> = .keep
    public var issuingAuthority: Change<String> = .keep
    public var legalBasis: Change<String> = .keep
    public var handlingInstructions: Change<String> = .keep
    public var externalRef: Change<String> = .keep
    public var expiresAt: Change<Date> = .keep

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, category, aliases, documents, dateOfBirth, nationality, issuingAuthority, legalBasis, handlingInstructions
        case externalRef, expiresAt
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func change<T: Decodable & Sendable & Equatable>(_ key: CodingKeys) throws -> Change<T> {
            guard c.contains(key) else { return .keep }
            return try c.decodeNil(forKey: key) ? .clear : .set(try c.decode(T.self, forKey: key))
        }
        name = try c.decodeIfPresent(String.self, forKey: .name)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases)
        documents = try c.decodeIfPresent([IdentityDocument].self, forKey: .documents)
        dateOfBirth = try change(.dateOfBirth)
        nationality = try change(.nationality)
        issuingAuthority = try change(.issuingAuthority)
        legalBasis = try change(.legalBasis)
        handlingInstructions = try change(.handlingInstructions)
        externalRef = try change(.externalRef)
        expiresAt = try change(.expiresAt)
    }

    public func applied(to old: EntryDetails) -> EntryDetails {
        var d = old
        d.name = name ?? d.name
        d.category = category ?? d.category
        d.aliases = aliases ?? d.aliases
        d.documents = documents ?? d.documents
        d.dateOfBirth = dateOfBirth.applied(to: d.dateOfBirth)
        d.nationality = nationality.applied(to: d.nationality)
        d.issuingAuthority = issuingAuthority.applied(to: d.issuingAuthority)
        d.legalBasis = legalBasis.applied(to: d.legalBasis)
        d.handlingInstructions = handlingInstructions.applied(to: d.handlingInstructions)
        d.externalRef = externalRef.applied(to: d.externalRef)
        d.expiresAt = expiresAt.applied(to: d.expiresAt)
        return d
    }

    /// The same patch carrying `details`' normalised values for the fields it sets.
    func normalized(from d: EntryDetails) -> EntryPatch {
        func same<T>(_ change: Change<T>, _ value: T?) -> Change<T> {
            if case .set = change, let value { return .set(value) }
            return change
        }
        var p = self
        p.name = name.map { _ in d.name }
        p.category = category.map { _ in d.category }
        p.aliases = aliases.map { _ in d.aliases }
        p.documents = documents.map { _ in d.documents }
        p.dateOfBirth = same(dateOfBirth, d.dateOfBirth)
        p.nationality = same(nationality, d.nationality)
        p.issuingAuthority = same(issuingAuthority, d.issuingAuthority)
        p.legalBasis = same(legalBasis, d.legalBasis)
        p.handlingInstructions = same(handlingInstructions, d.handlingInstructions)
        p.externalRef = same(externalRef, d.externalRef)
        p.expiresAt = same(expiresAt, d.expiresAt)
        return p
    }

    public var isEmpty: Bool { self == EntryPatch() }
}
