import ArgumentParser
import Foundation
import VigilScreening

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens (roles: post, admin, auditor, node).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; it is printed once, alone on the last line, and stored only as a hash.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "post, admin, auditor, or node (a post's daemon syncing with this headquarters).") var role: String
        @Option(help: "Who holds it; for a post or node token, the post id (e.g. BORDER-7).") var name: String
        @Option(name: .customLong("node-key"),
                help: "For a node token: the post's signing key file ('vigil audit public-key' at the post); its uploaded records must verify with it.")
        var nodeKey: String?
        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await Output.run(json: false) { () async throws(VigilError) in
                guard let role = Role(rawValue: role) else { throw VigilError(.invalidField, "--role must be post, admin, auditor or node") }
                guard nodeKey == nil || role == .node else { throw VigilError(.invalidField, "--node-key goes with --role node") }
                let key = try nodeKey.map { path throws(VigilError) in try AuditCommand.readKey(path) }
                try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                    let issued = try await service.issueToken(name: name, role: role)
                    if let key { try await service.registerNodeKey(post: issued.token.name, publicKey: key) }
                    print("token \(issued.token.id) for \(issued.token.name) (\(role.rawValue)); shown once, keep it secret:")
                    print(issued.secret)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await Output.run(json: json) { () async throws(VigilError) in
                try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                    let tokens = try await service.tokens()
                    if json { try? Output.json(["tokens": tokens]); return }
                    for t in tokens { print("\(t.id)  \(t.role)  \(t.name)\(t.revokedAt == nil ? "" : "  (revoked)")") }
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token at once.")
        @Argument(help: "Token id (as `token list` shows it).") var id: String
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await Output.run(json: false) { () async throws(VigilError) in
                try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                    try await service.revokeToken(id: id)
                    print("revoked \(id)")
                }
            }
        }
    }
}
