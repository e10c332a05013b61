import ArgumentParser
import Foundation
import VigilScreening

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage the data key templates are sealed with.",
                                                    subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a data key and re-seal every template and kept image under it; the daemon may keep running.",
            discussion: "Older keys stay in the key file: audit-log probes stay sealed under the key of their time (their digests are chained).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var common: CommonOptions

        func run() async throws {
            try await Output.run(json: false) { () async throws(VigilError) in
                try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                    let id = try await service.rotateDataKey { FileHandle.standardError.write(Data("re-sealed \($0) templates\n".utf8)) }
                    print("data key \(id) is current; every template is sealed under it")
                }
            }
        }
    }
}
