import Foundation

/// One line of an import manifest (JSON Lines): the entry's details, its
/// external reference (what makes a re-run idempotent) and its samples as
/// paths relative to the manifest: `faces` (photos) and `fingers` (position
/// to a fingerprint image or ISO/ANSI template).
struct ManifestRecord: Decodable, Sendable {
    let details: EntryDetails
    let faces: [String]
    let fingers: [String: String]

    enum Keys: String, CodingKey, CaseIterable {
        case name, category, aliases, dateOfBirth, nationality, documents, issuingAuthority, legalBasis
        case handlingInstructions, expiresAt, externalRef, faces, fingers
    }

    /// Snake_case names of every field a line may carry.
    static let fieldNames: Set<String> = Set(Keys.allCases.map { StrictJSON.snake($0.rawValue) })

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        details = EntryDetails(
            name: try c.decode(String.self, forKey: .name), category: try c.decode(String.self, forKey: .category),
            aliases: try c.decodeIfPresent([String].self, forKey: .aliases) ?? [],
            dateOfBirth: try c.decodeIfPresent(String.self, forKey: .dateOfBirth),
            nationality: try c.decodeIfPresent(String.self, forKey: .nationality),
            documents: try c.decodeIfPresent([IdentityDocument].self, forKey: .documents) ?? [],
            issuingAuthority: try c.decodeIfPresent(String.self, forKey: .issuingAuthority),
            legalBasis: try c.decodeIfPresent(String.self, forKey: .legalBasis),
            handlingInstructions: try c.decodeIfPresent(String.self, forKey: .handlingInstructions),
            expiresAt: try c.decodeIfPresent(Date.self, forKey: .expiresAt),
            externalRef: try c.decodeIfPresent(String.self, forKey: .externalRef))
        faces = try c.decodeIfPresent([String].self, forKey: .faces) ?? []
        fingers = try c.decodeIfPresent([String: String].self, forKey: .fingers) ?? [:]
    }

    /// Parses one line, naming the first problem in words an administrator can act on.
    static func parse(_ line: Data) throws(VigilError) -> ManifestRecord {
        try StrictJSON.decode(ManifestRecord.self, from: line, allowedKeys: fieldNames)
    }
}

/// Resolves sample paths relative to the manifest. Confined (HTTP imports),
/// a path may not leave the import root: no absolute paths, no `..` escape,
/// no symlink out.
struct SamplePaths {
    let base: URL
    let root: URL?

    func read(_ path: String) throws(VigilError) -> [UInt8] {
        let url = try resolve(path)
        // Name the file as the manifest does, not by its server-side path.
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw VigilError(.notFound, "cannot read '\(path.prefix(120))'")
        }
        return [UInt8](data)
    }

    func resolve(_ path: String) throws(VigilError) -> URL {
        guard !path.isEmpty, !path.contains("\0") else { throw VigilError(.invalidField, "empty sample path") }
        if let root {
            guard !path.hasPrefix("/") else { throw VigilError(.invalidField, "sample path '\(path.prefix(80))' must be relative") }
            let resolved = base.appendingPathComponent(path).standardizedFileURL.resolvingSymlinksInPath()
            let rootPath = root.standardizedFileURL.resolvingSymlinksInPath().path
            guard resolved.path.hasPrefix(rootPath + "/") else {
                throw VigilError(.invalidField, "sample path '\(path.prefix(80))' leaves the import folder")
            }
            return resolved
        }
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path)
    }
}

/// Entry details sent over HTTP: the manifest's fields without sample paths.
public enum EntryDetailsInput {
    public static func parse(_ json: Data) throws(VigilError) -> EntryDetails {
        let record = try ManifestRecord.parse(json)
        guard record.faces.isEmpty, record.fingers.isEmpty else {
            throw VigilError(.invalidField, "send samples as 'face', 'faces' and 'finger_<position>' fields, not paths")
        }
        return record.details
    }
}
