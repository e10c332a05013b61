import Foundation
import Testing
import VigilTestSupport

/// Every relative link in README.md and docs/*.md leads somewhere: the
/// file exists, and an anchor names a heading of that file (GitHub's
/// slugs: lower case, punctuation dropped, spaces as hyphens).
@Suite("Documentation links")
struct DocumentationLinksTests {
    static let root = TestData.projectRoot

    static var pages: [URL] {
        let docs = root.appendingPathComponent("docs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []
        return [root.appendingPathComponent("README.md")] + names.filter { $0.hasSuffix(".md") }.sorted().map { docs.appendingPathComponent($0) }
    }

    static func slug(_ heading: String) -> String {
        String(heading.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == " " || $0 == "_" }
            .map(Character.init)).replacingOccurrences(of: " ", with: "-")
    }

    static func anchors(_ file: URL) -> Set<String> {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        var inCode = false, found: Set<String> = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle() }
            if !inCode, line.hasPrefix("#"), let space = line.firstIndex(of: " ") { found.insert(slug(String(line[space...]).trimmingCharacters(in: .whitespaces))) }
        }
        return found
    }

    @Test("every relative link and anchor in the documentation resolves", arguments: pages.map(\.lastPathComponent))
    func links(page name: String) throws {
        let page = try #require(Self.pages.first { $0.lastPathComponent == name })
        let text = try String(contentsOf: page, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
        var checked = 0
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let target = String(text[Range(match.range(at: 1), in: text)!])
            if target.contains("://") || target.hasPrefix("mailto:") { continue }
            let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let file = parts[0].isEmpty ? page : page.deletingLastPathComponent().appendingPathComponent(parts[0]).standardizedFileURL
            #expect(FileManager.default.fileExists(atPath: file.path), "\(name): \(target) does not exist")
            if parts.count == 2, file.pathExtension == "md" {
                #expect(Self.anchors(file).contains(parts[1]), "\(name): \(target) names no heading")
            }
            checked += 1
        }
        _ = checked
    }
}
