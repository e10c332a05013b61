import ArgumentParser
import Foundation
import VigilDaemon
import VigilScreening

@main
struct VigilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Border biometric screening: every hit is a candidate for a human officer, never a verdict.",
        subcommands: [ServeCommand.self, EnrollCommand.self, ScreenCommand.self, VerifyCommand.self, ImportCommand.self, WatchlistCommand.self, AuditCommand.self, SyncCommand.self, NISTCommand.self, TokenCommand.self, KeysCommand.self, DoctorCommand.self, MigrateCommand.self,
                      EvalCommand.self, CalibrateCommand.self, BenchCommand.self]
    )

    /// `serve` takes its options from a configuration file and the
    /// environment too; they become arguments before the user's own.
    static func main() async {
        do throws(VigilError) {
            await main(try ServeConfigurationFile.expand(Array(CommandLine.arguments.dropFirst()),
                                                         environment: ProcessInfo.processInfo.environment))
        } catch {
            FileHandle.standardError.write(Data("error: \(error.code.rawValue): \(error.message)\n".utf8))
            Foundation.exit(2)
        }
    }
}
