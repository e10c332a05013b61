import ArgumentParser

/// The post network (docs/posts.md): what a post needs from headquarters.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Headquarters and its posts: the key posts check sync pages with.",
        subcommands: [AuditCommand.PublicKey.self])
}
