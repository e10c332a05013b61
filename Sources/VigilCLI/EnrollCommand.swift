import ArgumentParser
import VigilScreening

struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enroll", abstract: "Add a person to the watchlist from one or more face photos.")

    @OptionGroup var database: DatabaseOptions
    @Option(help: "Display name.") var name: String
    @Option(help: "Category, e.g. wanted_trafficking or missing_person (`vigil watchlist categories` lists them).") var category: String
    @Option(help: "Face photo (repeat for several).") var face: [String] = []
    @Option(help: ArgumentHelp("The face to enrol in the photo of the same position, as a box X,Y,WIDTH,HEIGHT around it (pixels); 'largest' or none: the largest face.",
                               valueName: "X,Y,W,H")) var subjectBox: [String] = []
    @Option(help: "Finger template as POSITION=FILE, e.g. right_index=print.iso (repeatable).") var finger: [String] = []
    @Flag(help: "Print the result as JSON.") var json = false
    @OptionGroup var entry: EntryOptions
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            let images = try face.map { path throws(VigilError) in try ImageFile.read(path) }
            try await ScreeningService.using(common.configuration(database: database)) { service async throws(VigilError) in
                let result = try await service.enroll(try entry.details(name: name, category: category), faces: images,
                                                      fingers: try FingerOptions.samples(finger), subjects: try subjectBoxes())
                if json {
                    try? Output.json(result)
                } else {
                    print(result.id.uuidString)
                }
            }
        }
    }

    func subjectBoxes() throws(VigilError) -> [FaceBox?] {
        try subjectBox.map { text throws(VigilError) -> FaceBox? in
            if text == "largest" { return nil }
            let v = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard v.count == 4, v[2] > 0, v[3] > 0 else { throw VigilError(.invalidField, "--subject-box takes X,Y,WIDTH,HEIGHT in pixels, or 'largest'") }
            return FaceBox(x: v[0], y: v[1], width: v[2], height: v[3])
        }
    }
}
