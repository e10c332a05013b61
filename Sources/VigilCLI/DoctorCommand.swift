import ArgumentParser
import Foundation
import VigilDaemon
import VigilScreening

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a deployment: models and their digests, database and migrations, key files, TLS files, disk space, clock.")

    @OptionGroup var database: DatabaseOptions
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain the daemon serves.") var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key of that certificate.") var tlsKey: String?
    @Flag(help: "Print the findings as JSON.") var json = false
    @OptionGroup var common: CommonOptions

    struct Report: Encodable {
        let ok: Bool
        let findings: [DeploymentDoctor.Finding]
    }

    func run() async throws {
        var failed = false
        try await Output.run(json: json) { () async throws(VigilError) in
            let tls: (String, String)?
            switch (tlsCertificate, tlsKey) {
            case let (certificate?, key?): tls = (certificate, key)
            case (nil, nil): tls = nil
            default: throw VigilError(.invalidField, "--tls-cert and --tls-key go together")
            }
            let findings = DeploymentDoctor.examine(try common.configuration(database: database), tls: tls)
            failed = findings.contains { !$0.ok }
            if json {
                try? Output.json(Report(ok: !failed, findings: findings))
            } else {
                for finding in findings { print("\(finding.ok ? "ok  " : "FAIL") \(finding.check): \(finding.detail)") }
                print(failed ? "problems found" : "all checks passed")
            }
        }
        if failed { throw ExitCode(2) }
    }
}
