import ArgumentParser

@main
struct VigilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Border biometric screening: every hit is a candidate for a human officer, never a verdict.",
        subcommands: [ServeCommand.self, EnrollCommand.self, ScreenCommand.self, ImportCommand.self, WatchlistCommand.self, AuditCommand.self, TokenCommand.self, KeysCommand.self, DoctorCommand.self,
                      EvalCommand.self, CalibrateCommand.self, BenchCommand.self]
    )
}
