import Foundation
import VigilInterchange
import VigilStorage

/// How a transaction's descriptive fields become an entry's details. Type-2
/// is defined by each receiving domain, so the mapping is data: a JSON object
/// from entry fields to templates of text and field references.
///
/// A reference is `{T.NNN}` (the first item of the field's first subfield in
/// the first Type-T record) or `{T.NNN|form}`, where the form rewrites it:
/// `name` turns "LAST,FIRST MIDDLE" into "FIRST MIDDLE LAST", `date` turns
/// YYYYMMDD into YYYY-MM-DD. A template whose references are all missing
/// gives nothing (the field stays empty); `aliases` gives one alias per
/// subfield of its first reference. The shipped mapping reads the common
/// EBTS fields (`TransactionMapping.ebts`).
public struct TransactionMapping: Sendable, Equatable {
    /// Entry field (snake_case, as in an import manifest) to template.
    public let templates: [String: String]

    /// The fields a mapping may fill: the text fields of an entry.
    public static let fields: Set<String> = ["name", "aliases", "date_of_birth", "nationality", "issuing_authority",
                                             "legal_basis", "handling_instructions", "external_ref"]

    /// EBTS: 2.018 NAM (name), 2.019 AKA (aliases), 2.022 DOB (date of birth); the
    /// originating agency (1.008 ORI) as issuing authority and, with the
    /// transaction control number (1.009 TCN), as the reference that makes a
    /// re-import idempotent. EBTS states citizenship (2.021) in FIPS codes, not
    /// the ISO 3166 alpha-3 Vigil keeps, so it is left to a deployment's own mapping.
    public static let ebts = TransactionMapping(unchecked: [
        "name": "{2.018|name}",
        "aliases": "{2.019|name}",
        "date_of_birth": "{2.022|date}",
        "issuing_authority": "{1.008}",
        "external_ref": "{1.008}/{1.009}",
    ])

    init(unchecked templates: [String: String]) { self.templates = templates }

    /// A mapping file: a JSON object of templates; unknown entry fields and
    /// malformed references are refused, naming them.
    public static func parse(_ data: Data) throws(VigilError) -> TransactionMapping {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw VigilError(.malformedJSON, "the mapping is not a JSON object of templates")
        }
        var templates: [String: String] = [:]
        for (field, value) in object {
            guard fields.contains(field) else {
                throw VigilError(.invalidField, "the mapping names '\(field.prefix(40))', not one of \(fields.sorted().joined(separator: ", "))")
            }
            guard let template = value as? String else { throw VigilError(.invalidField, "the mapping's '\(field)' is not a template string") }
            _ = try Template(template)
            templates[field] = template
        }
        guard templates["name"] != nil else { throw VigilError(.missingField, "the mapping has no template for 'name'") }
        return TransactionMapping(unchecked: templates)
    }

    /// The details of `transaction`, in `category`; not yet validated.
    public func details(of transaction: NISTTransaction, category: String) throws(VigilError) -> EntryDetails {
        func one(_ field: String) throws(VigilError) -> String? {
            guard let template = templates[field] else { return nil }
            return try Template(template).render(transaction, subfield: 0)
        }
        guard let name = try one("name"), !name.isEmpty else {
            throw VigilError(.missingField, "the transaction has no name where the mapping looks (\(templates["name"] ?? ""))")
        }
        var aliases: [String] = []
        if let template = templates["aliases"] {
            let parsed = try Template(template)
            for index in 0..<parsed.subfieldCount(in: transaction) {
                if let alias = try parsed.render(transaction, subfield: index), !alias.isEmpty { aliases.append(alias) }
            }
        }
        return EntryDetails(name: name, category: category, aliases: aliases, dateOfBirth: try one("date_of_birth"),
                            nationality: try one("nationality"), issuingAuthority: try one("issuing_authority"),
                            legalBasis: try one("legal_basis"), handlingInstructions: try one("handling_instructions"),
                            externalRef: try one("external_ref"))
    }

    /// A parsed template: literal text and field references in order.
    struct Template {
        enum Part { case text(String), field(type: Int, number: Int, form: String?) }
        let parts: [Part]

        init(_ template: String) throws(VigilError) {
            var parts: [Part] = []
            var rest = Substring(template)
            while let open = rest.firstIndex(of: "{") {
                if open > rest.startIndex { parts.append(.text(String(rest[..<open]))) }
                guard let close = rest[open...].firstIndex(of: "}") else {
                    throw VigilError(.invalidField, "the template '\(template.prefix(60))' has a '{' without '}'")
                }
                let reference = rest[rest.index(after: open)..<close].split(separator: "|", maxSplits: 1).map(String.init)
                let tag = (reference.first ?? "").split(separator: ".").compactMap { Int($0) }
                let form = reference.count > 1 ? reference[1] : nil
                guard tag.count == 2, (1...99).contains(tag[0]), (1...999).contains(tag[1]), form == nil || ["name", "date"].contains(form!) else {
                    throw VigilError(.invalidField, "'{\(rest[rest.index(after: open)..<close].prefix(40))}' is not {T.NNN} or {T.NNN|name} or {T.NNN|date}")
                }
                parts.append(.field(type: tag[0], number: tag[1], form: form))
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { parts.append(.text(String(rest))) }
            self.parts = parts
        }

        /// The subfields of the first reference (how many aliases there are).
        func subfieldCount(in transaction: NISTTransaction) -> Int {
            for case .field(let type, let number, _) in parts {
                return transaction.records.first { $0.type == type }?.field(number)?.subfields.count ?? 0
            }
            return 0
        }

        /// The text, the first reference read at `subfield`; nil when every reference is missing.
        func render(_ transaction: NISTTransaction, subfield: Int) throws(VigilError) -> String? {
            var out = "", found = false, first = true
            for part in parts {
                switch part {
                case .text(let text): out += text
                case .field(let type, let number, let form):
                    let subfields = transaction.records.first { $0.type == type }?.field(number)?.subfields ?? []
                    let index = first ? subfield : 0
                    first = false
                    guard index < subfields.count, let raw = subfields[index].first?.trimmed, !raw.isEmpty else { continue }
                    found = true
                    out += Self.apply(form, to: raw)
                }
            }
            return found ? out.trimmingCharacters(in: .whitespaces) : nil
        }

        static func apply(_ form: String?, to value: String) -> String {
            switch form {
            case "name":
                // "LAST,FIRST MIDDLE": the surname first, comma-separated.
                let parts = value.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return parts.count == 2 && !parts[1].isEmpty ? "\(parts[1]) \(parts[0])" : value
            case "date":
                let digits = value.filter(\.isNumber)
                guard digits.count == 8 else { return value }
                return "\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))"
            default:
                return value
            }
        }
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
