import Foundation
import Synchronization
import VigilScreening

/// Import progress on stderr: a bar with rate and ETA redrawn in place on a
/// terminal; plain lines (at most one every 5 s, and the last) otherwise.
final class ProgressDisplay: Sendable {
    private struct State { var started = Date(); var lastLine = Date.distantPast }
    private let state = Mutex(State())
    private let terminal = isatty(STDERR_FILENO) == 1

    func show(_ p: ImportProgress) {
        let (elapsed, due) = state.withLock { s -> (Double, Bool) in
            let now = Date()
            let due = now.timeIntervalSince(s.lastLine) >= 5 || p.processed == p.lines
            if due { s.lastLine = now }
            return (now.timeIntervalSince(s.started), due)
        }
        let rate = elapsed > 0 ? Double(p.processed) / elapsed : 0
        let eta = rate > 0 ? Double(p.lines - p.processed) / rate : 0
        let counts = "\(p.processed)/\(p.lines) lines, \(p.imported) imported, \(p.skipped) skipped, \(p.rejected) rejected"
        let timing = String(format: "%.1f lines/s, ETA %@", rate, Self.duration(eta))
        if terminal {
            let width = 30, filled = p.lines > 0 ? width * p.processed / p.lines : width
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let end = p.processed == p.lines ? "\n" : ""
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(counts)  \(timing)\(end)".utf8))
        } else if due {
            FileHandle.standardError.write(Data("import: \(counts) (\(timing))\n".utf8))
        }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
