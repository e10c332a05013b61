import ArgumentParser
import Foundation
import VigilScreening

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Verify, replay and export the tamper-evident match log.",
        subcommands: [Verify.self, Replay.self, Export.self, PublicKey.self, Checkpoint.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain and check every signed checkpoint; exits 1 on any failure.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .customLong("public-key"), help: "File with the exported public key (hex); default: the database's own key.")
        var publicKey: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var common: CommonOptions

        func run() async throws {
            var ok = true
            try await Output.run(json: json) { () async throws(VigilError) in
                let key = try publicKey.map { path throws(VigilError) in try AuditCommand.readKey(path) }
                try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                    let result = try await service.verifyAudit(publicKey: key)
                    ok = result.ok && (result.posts ?? []).allSatisfy(\.verification.ok)
                    if json { try? Output.json(result); return }
                    print(Self.line("audit log", result))
                    // At headquarters: each post's uploaded chain, against the key registered with its node token.
                    for post in result.posts ?? [] { print(Self.line("post \(post.post)", post.verification)) }
                }
            }
            if !ok { throw ExitCode(1) }
        }

        static func line(_ subject: String, _ result: AuditVerification) -> String {
            result.ok ? "\(subject) verified: \(result.records) records, \(result.checkpoints) signed checkpoints, signed through record \(result.signedThrough)"
                      : "\(subject.uppercased()) FAILED at record \(result.firstBadSeq ?? 0): \(result.reason ?? "")"
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-run each screening in range against the watchlist as it stood; exits 1 on any divergence.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "First record (sequence number).") var from: Int64 = 1
        @Option(help: "Last record.") var to: Int64 = .max
        @Flag(help: "Print JSON: { \"screenings\", \"verifications\", \"agreed\", \"divergences\": [ { \"seq\", \"reason\" } ] }.") var json = false
        @OptionGroup var common: CommonOptions

        func run() async throws {
            var diverged = false
            try await Output.run(json: json) { () async throws(VigilError) in
                try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                    let report = try await service.replay(from: from, to: to)
                    diverged = !report.divergences.isEmpty
                    if json { try? Output.json(report); return }
                    print("\(report.screenings) screenings and \(report.verifications) verifications replayed: \(report.agreed) agreed, \(report.divergences.count) diverged")
                    for d in report.divergences { print("  record \(d.seq): \(d.reason)") }
                }
            }
            if diverged { throw ExitCode(1) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write audit records as JSON Lines (no probe templates).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "First record.") var from: Int64 = 1
        @Option(help: "Last record.") var to: Int64 = .max
        @Option(help: "Only this actor id.") var actor: String?
        @Option(help: "Only this action, e.g. screening.") var action: String?
        @Option(help: "Output file (default: standard output).") var output: String?
        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await Output.run(json: false) { () async throws(VigilError) in
                try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                    let encoder = VigilJSON.encoder()
                    var sink = try Output.Sink(path: output)
                    var next = from
                    while next <= to {
                        let page = try await service.auditRecords(from: next, to: to, actor: actor, action: action, limit: 1000)
                        guard let last = page.last else { break }
                        for record in page { sink.write(String(decoding: (try? encoder.encode(record)) ?? Data(), as: UTF8.self)) }
                        next = last.seq + 1
                    }
                }
            }
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "public-key", abstract: "Print (or write) this deployment's signing key, hex: it verifies audit checkpoints, bundles and sync pages.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Write it to this file.") var output: String?
        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await Output.run(json: false) { () async throws(VigilError) in
                try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                    var sink = try Output.Sink(path: output)
                    sink.write(Hex.encode(service.auditPublicKey))
                }
            }
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign the chain head now (the daemon does so every few minutes).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await Output.run(json: false) { () async throws(VigilError) in
                try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                    try await service.checkpointAudit()
                    print("signed through record \(try await service.verifyAudit().signedThrough)")
                }
            }
        }
    }

    static func readKey(_ path: String) throws(VigilError) -> [UInt8] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw VigilError(.notFound, "cannot read \(path)") }
        guard let bytes = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw VigilError(.invalidField, "\(path) is not a hex Ed25519 public key")
        }
        return bytes
    }
}

/// The CLI acts as `cli:<user>` in the audit log (role admin: whoever can
/// open the database file administers it).
enum CLIActor {
    static var actor: AuditActor {
        AuditActor(id: "cli:\(ProcessInfo.processInfo.environment["USER"] ?? "unknown")", role: "admin")
    }
}
