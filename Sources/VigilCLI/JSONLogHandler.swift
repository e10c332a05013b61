import Foundation
import Logging

/// One JSON object per line on standard error, for a log pipeline (used
/// when standard error is not a terminal): `ts` (ISO 8601 UTC), `level`,
/// `logger`, `message`, `source`, then the metadata as strings, among them
/// `hb.request.id` on every line a daemon request writes, the id the
/// response's `X-Request-Id` and the request's audit record carry.
/// Nothing Vigil logs holds a secret, a template, an image or a name
/// (a test reads the log of a daemon run to check).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [:]
        for (key, value) in metadata.merging(metadataProvider?.get() ?? [:], uniquingKeysWith: { $1 })
            .merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = "\(value)"
        }
        object["ts"] = Self.timestamp()
        object["level"] = event.level.rawValue
        object["logger"] = label
        object["message"] = "\(event.message)"
        object["source"] = event.source
        guard var line = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        line.append(0x0A)
        // One write per line: lines from concurrent requests never interleave.
        FileHandle.standardError.write(line)
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().timeZone(separator: .omitted).time(includingFractionalSeconds: true)
            .timeSeparator(.colon).dateSeparator(.dash).dateTimeSeparator(.standard))
    }
}
