import ArgumentParser
import Foundation
import VigilScreening

/// Sharing between agencies: signed watchlist bundles out and in.
extension WatchlistCommand {
    struct ExportBundle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-bundle",
            abstract: "Write a category's entries (changed after --since) and the removals since, signed with this deployment's audit key.")
        @Option(help: "The category to share.") var category: String
        @Option(help: "Only entries changed, and removals made, after this watchlist version (the previous bundle's version).") var since: Int64 = 0
        @Option(help: "This agency's name, recorded with every entry as its provenance (no ':').") var agency: String
        @Option(help: "The bundle file to write.") var out: String
        @OptionGroup var shared: WatchlistCommand.Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) -> [String: String] in
                let bundle = try await service.exportBundle(category: category, since: since, agency: agency)
                guard FileManager.default.createFile(atPath: out, contents: bundle, attributes: [.posixPermissions: 0o600]) else {
                    throw VigilError(.invalidField, "cannot write \(out)")
                }
                return ["bundle": out, "signer": Hex.encode(service.auditPublicKey)]
            }, text: { "wrote \($0["bundle"] ?? ""); the receiving agency trusts the key 'vigil audit public-key' prints" })
        }
    }

    struct ImportBundle: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-bundle",
            abstract: "Verify a bundle against trusted agency keys and apply it: new entries, then the source's removals. Idempotent.")
        @Argument(help: "The bundle file.") var file: String
        @Option(help: "A trusted agency's public key file (hex, from its 'vigil audit public-key'); repeatable.") var trust: [String]
        @OptionGroup var shared: WatchlistCommand.Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) in
                guard !trust.isEmpty else { throw VigilError(.missingField, "name at least one --trust key") }
                let keys = try trust.map { path throws(VigilError) in try AuditCommand.readKey(path) }
                guard let bytes = FileManager.default.contents(atPath: file) else { throw VigilError(.notFound, "cannot read \(file)") }
                return try await service.importBundle(bytes, trusting: keys)
            }, text: { report in
                "from \(report.agency): \(report.imported) imported, \(report.alreadyPresent) already present, "
                    + "\(report.removed) removed, \(report.rejected.count) refused; watchlist version \(report.version)"
                    + report.rejected.sorted { $0.key < $1.key }.map { "\n  refused \($0.key): \($0.value)" }.joined()
            })
        }
    }
}

extension WatchlistCommand {
    struct ExportNIST: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-nist",
            abstract: "Write one entry as an ANSI/NIST-ITL transaction for another agency: Types 1, 2, 10 (its kept photo) and 9 (its fingers).")
        @Argument(help: "The entry's id.") var id: String
        @Option(help: "This agency's originating identifier (1.008 ORI).") var agency: String
        @Option(help: "The receiving agency's identifier (1.007 DAI).") var to = ""
        @Option(help: "The transaction type (1.004 TOT) the receiving domain expects.") var type = "EXPORT"
        @Option(help: "The transaction file to write.") var out: String
        @OptionGroup var shared: WatchlistCommand.Shared

        func run() async throws {
            try await shared.run({ service throws(VigilError) -> [String: String] in
                guard let entry = UUID(uuidString: id) else { throw VigilError(.invalidField, "'\(id.prefix(40))' is not an entry id") }
                let bytes = try await service.exportTransaction(id: entry, agency: agency, destination: to, type: type)
                guard FileManager.default.createFile(atPath: out, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                    throw VigilError(.invalidField, "cannot write \(out)")
                }
                return ["transaction": out, "bytes": String(bytes.count)]
            }, text: { "wrote \($0["transaction"] ?? "") (\($0["bytes"] ?? "") bytes); 'vigil nist show' lists its records" })
        }
    }
}
