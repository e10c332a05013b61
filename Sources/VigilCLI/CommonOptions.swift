import ArgumentParser
import Foundation
import Logging
import VigilScreening

/// Options every command that opens Vigil's models or database shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("models-dir"), help: "Folder holding the model files (Models/fetch-models.sh fills it).")
    var modelsDirectory = "Models"

    @Option(help: "Face threshold (fused score) replacing every category's own; by default each category's applies.")
    var threshold: Float?

    @Option(name: .customLong("face-calibration"),
            help: "A face calibration written by 'vigil calibrate faces' (JSON) instead of the shipped one or the recognizer file's.")
    var faceCalibration: String?

    @Option(name: .customLong("finger-calibration"),
            help: "A finger calibration (JSON) written by 'vigil calibrate fingers' on this sensor's prints, instead of the shipped one (fitted on FVC2000).")
    var fingerCalibration: String?

    @Option(help: "A recognizer file (JSON: the face networks, their SHA-256, input and weights; docs/faces.md) instead of the shipped recognizer.")
    var recognizer: String?

    @Option(name: .customLong("previous-recognizer"),
            help: "While 'vigil watchlist reembed' moves the watchlist to --recognizer: the recognizer file it was made with ('shipped' for the shipped one), whose templates stay searched until rebuilt.")
    var previousRecognizer: String?

    func configuration(database: DatabaseOptions? = nil) throws(VigilError) -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        configuration.modelsDirectory = modelsDirectory
        configuration.thresholdOverride = threshold
        if recognizer != nil || faceCalibration != nil {
            try configuration.use(recognizerFile: recognizer, calibrationPath: faceCalibration)
        }
        if let fingerCalibration { try configuration.use(fingerCalibrationPath: fingerCalibration) }
        if let previousRecognizer { try configuration.keepSearching(previousRecognizerFile: previousRecognizer) }
        database?.apply(to: &configuration)
        return configuration
    }
}

/// Prints a result as JSON or as text, and maps Vigil errors to exit codes.
enum Output {
    /// Writes a line to stdout at once (unbuffered), so a banner shows even through a pipe.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func json(_ value: some Encodable) throws {
        let data = try VigilJSON.encoder(pretty: true).encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Runs `body` with logs on stderr at `logLevel`; a `VigilError` is
    /// printed as `error: code: message` (or as the JSON error body with
    /// --json) and exits with status 2.
    static func run(json: Bool, logLevel: Logger.Level = .warning, _ body: () async throws(VigilError) -> Void) async throws {
        // Text for a person at a terminal; JSON lines for a service manager or log pipeline.
        let jsonLines = isatty(STDERR_FILENO) == 0
        LoggingSystem.bootstrap { label in
            if jsonLines { return JSONLogHandler(label: label, logLevel: logLevel) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        // Everything this command records in the audit log names the CLI user.
        let outcome: Result<Void, VigilError> = await AuditActor.$current.withValue(CLIActor.actor) {
            do throws(VigilError) { try await body(); return .success(()) } catch { return .failure(error) }
        }
        do {
            try outcome.get()
        } catch {
            if json {
                try? Output.json(["error": ["code": error.code.rawValue, "message": error.message]])
            } else {
                FileHandle.standardError.write(Data("error: \(error.code.rawValue): \(error.message)\n".utf8))
            }
            throw ExitCode(2)
        }
    }
}

extension Output {
    /// Lines to a file or to standard output.
    struct Sink {
        let handle: FileHandle

        init(path: String?) throws(VigilError) {
            guard let path else { handle = .standardOutput; return }
            guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
                throw VigilError(.invalidField, "cannot write \(path)")
            }
            handle = file
        }

        mutating func write(_ line: String) { handle.write(Data((line + "\n").utf8)) }
    }
}

/// `--finger right_index=FILE` options as finger samples.
enum FingerOptions {
    static func samples(_ options: [String]) throws(VigilError) -> [FingerSample] {
        try options.map { option throws(VigilError) in
            let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw VigilError(.invalidField, "--finger takes POSITION=FILE, e.g. right_index=print.iso") }
            return FingerSample(position: try FingerPosition(parsing: parts[0]), bytes: try ImageFile.read(parts[1]))
        }
    }
}
