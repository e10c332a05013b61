import Foundation
import VigilStorage

/// Where a running import stands: `imported` entries are committed (they
/// survive a crash from that moment).
public struct ImportProgress: Sendable, Codable, Equatable {
    public var lines = 0
    public var processed = 0
    public var imported = 0
    public var skipped = 0
    public var rejected = 0
    public var version: Int64 = 0

    public init(lines: Int = 0, version: Int64 = 0) {
        self.lines = lines
        self.version = version
    }
}

/// The outcome of an import: every rejected line with its reason, every
/// line skipped because its external reference is already on the watchlist.
public struct ImportReport: Sendable, Codable, Equatable {
    public struct Rejection: Error, Sendable, Codable, Equatable {
        public let line: Int
        public let code: String
        public let reason: String
        /// `line N: reason`, as the report prints it.
        public var text: String { "line \(line): \(reason)" }
    }

    public struct Skip: Sendable, Codable, Equatable {
        public let line: Int
        public let entryId: UUID
    }

    public let lines: Int
    public let imported: Int
    public let skipped: [Skip]
    public let rejected: [Rejection]
    public let version: Int64
    public let seconds: Double
}

/// One entry an import would add: where it came from (a manifest's line, a
/// transaction's place in the list), its validated details, and how to read
/// its samples (run concurrently with the rest of its batch).
struct ImportItem: Sendable {
    let line: Int
    let details: EntryDetails
    let samples: @Sendable () throws(VigilError) -> (faces: [[UInt8]], fingers: [FingerSample])
}

extension ScreeningService {
    /// Imports a JSON Lines manifest. Lines are read in batches; each batch's
    /// samples are analysed concurrently (the face engines use every core)
    /// and its good entries written in one transaction. A bad line is
    /// reported and skipped; it never stops the import. `root`, when set,
    /// confines the manifest and its samples to that folder (HTTP imports).
    public func importManifest(at path: String, confinedTo root: String? = nil,
                               progress: @Sendable (ImportProgress) -> Void = { _ in }) async throws(VigilError) -> ImportReport {
        try requireLocalWatchlist()
        let manifest = try Self.confinedPath(path, root: root)
        guard let data = FileManager.default.contents(atPath: manifest.path) else {
            throw VigilError(.notFound, "cannot read the manifest \(path)")
        }
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
            .map { (number: $0.offset + 1, bytes: Data($0.element)) }
            .filter { !$0.bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }
        let paths = SamplePaths(base: manifest.deletingLastPathComponent(), root: root.map { URL(fileURLWithPath: $0) })
        let categories = categoryNames, now = configuration.clock()
        return try await runImport(count: lines.count, progress: progress) { range, state in
            lines[range].compactMap { number, bytes in
                do throws(VigilError) {
                    let record = try ManifestRecord.parse(bytes)
                    let details = try EntryValidation.validated(record.details, categories: categories, now: now)
                    guard !record.faces.isEmpty || !record.fingers.isEmpty else {
                        throw VigilError(.missingField, "no face or finger sample")
                    }
                    return ImportItem(line: number, details: details) { () throws(VigilError) in
                        let faces = try record.faces.map { path throws(VigilError) in try paths.read(path) }
                        let fingers = try record.fingers.sorted { $0.key < $1.key }.map { position, path throws(VigilError) in
                            FingerSample(position: try FingerPosition(parsing: position), bytes: try paths.read(path))
                        }
                        return (faces, fingers)
                    }
                } catch {
                    state.reject(.init(line: number, code: error.code.rawValue, reason: error.message))
                    return nil
                }
            }
        }
    }

    /// `path`, confined to `root` when one is set (HTTP imports).
    public static func confinedPath(_ path: String, root: String?) throws(VigilError) -> URL {
        guard let root else { return URL(fileURLWithPath: path) }
        return try SamplePaths(base: URL(fileURLWithPath: root), root: URL(fileURLWithPath: root)).resolve(path)
    }

    /// The import pipeline every source shares: `items` turns a range of the
    /// source's `count` lines into entries (rejecting bad ones into the
    /// state); duplicates and entries already on the watchlist are skipped,
    /// the rest analysed and written batch by batch.
    func runImport(count: Int, progress: @Sendable (ImportProgress) -> Void = { _ in },
                   items: (Range<Int>, inout ImportState) throws(VigilError) -> [ImportItem]) async throws(VigilError) -> ImportReport {
        let started = ContinuousClock.now
        var state = ImportState(progress: ImportProgress(lines: count, version: watchlistStatus.version))
        progress(state.progress)
        for start in stride(from: 0, to: count, by: configuration.importBatchSize) {
            let range = start..<min(count, start + configuration.importBatchSize)
            let fresh = try await unseen(try items(range, &state), state: &state)
            var entries: [(line: Int, entry: NewEntry)] = []
            for outcome in await prepare(fresh) {
                switch outcome {
                case .success(let item): entries.append(item)
                case .failure(let rejection): state.reject(rejection)
                }
            }
            try await write(entries, state: &state)
            state.progress.processed += range.count
            progress(state.progress)
        }
        let seconds = Self.ms(ContinuousClock.now - started) / 1000
        logger.info("import finished", metadata: ["lines": "\(count)", "imported": "\(state.progress.imported)",
                                                  "rejected": "\(state.rejected.count)", "skipped": "\(state.skipped.count)"])
        return ImportReport(lines: count, imported: state.progress.imported, skipped: state.skipped,
                            rejected: state.rejected.sorted { $0.line < $1.line }, version: state.progress.version, seconds: seconds)
    }

    /// Drops duplicates of earlier items and items already imported (by external reference).
    private func unseen(_ items: [ImportItem], state: inout ImportState) async throws(VigilError) -> [ImportItem] {
        let refs = items.compactMap(\.details.externalRef)
        let existing: [String: UUID]
        do { existing = try await store.entryIDs(externalRefs: refs) } catch { throw storageFailure(error, "import") }
        return items.filter { item in
            guard let ref = item.details.externalRef else { return true }
            if let first = state.refLines[ref] {
                state.reject(.init(line: item.line, code: VigilError.Code.duplicateEntry.rawValue, reason: "duplicate of line \(first)"))
                return false
            }
            state.refLines[ref] = item.line
            if let id = existing[ref] {
                state.skipped.append(.init(line: item.line, entryId: id))
                state.progress.skipped += 1
                return false
            }
            return true
        }
    }

    /// Reads and analyses every item's samples concurrently.
    private func prepare(_ items: [ImportItem]) async -> [Result<(line: Int, entry: NewEntry), ImportReport.Rejection>] {
        await withTaskGroup(of: (Int, Result<(line: Int, entry: NewEntry), ImportReport.Rejection>).self) { group in
            for (offset, item) in items.enumerated() {
                group.addTask { [self] in
                    do throws(VigilError) {
                        let read = try item.samples()
                        let samples = try await templates(faces: read.faces, fingers: read.fingers, priority: .bulk)
                        return (offset, .success((item.line, NewEntry(details: item.details, faces: samples.faces, fingers: samples.fingers))))
                    } catch {
                        return (offset, .failure(.init(line: item.line, code: error.code.rawValue, reason: error.message)))
                    }
                }
            }
            var results = [Result<(line: Int, entry: NewEntry), ImportReport.Rejection>?](repeating: nil, count: items.count)
            for await (offset, outcome) in group { results[offset] = outcome }
            return results.compactMap { $0 }
        }
    }

    /// One transaction for the batch; if it fails on a reference another
    /// writer took meanwhile, entry by entry so the rest still lands.
    private func write(_ entries: [(line: Int, entry: NewEntry)], state: inout ImportState) async throws(VigilError) {
        guard !entries.isEmpty else { return }
        do {
            let enrolled = try await store.enroll(entries.map(\.entry), afterCommit: follow)
            await followWrites()
            state.progress.imported += enrolled.count
            ServiceMetrics.enrolled(enrolled.count, via: "import")
            state.progress.version = enrolled.map(\.version).max() ?? state.progress.version
            return
        } catch .duplicateReference {
            // fall through to one by one
        } catch {
            throw storageFailure(error, "import")
        }
        for (line, entry) in entries {
            do {
                let enrolled = try await store.enroll([entry], afterCommit: follow)
                await followWrites()
                state.progress.imported += 1
                ServiceMetrics.enrolled(1, via: "import")
                state.progress.version = enrolled[0].version
            } catch .duplicateReference(_, let existing) {
                state.skipped.append(.init(line: line, entryId: existing))
                state.progress.skipped += 1
            } catch {
                throw storageFailure(error, "import")
            }
        }
    }
}

/// Running totals of one import.
struct ImportState {
    var progress: ImportProgress
    var rejected: [ImportReport.Rejection] = []
    var skipped: [ImportReport.Skip] = []
    /// First line of each external reference seen in this manifest.
    var refLines: [String: Int] = [:]

    mutating func reject(_ rejection: ImportReport.Rejection) {
        rejected.append(rejection)
        progress.rejected += 1
    }
}

extension ScreeningService {
    /// Imports ANSI/NIST-ITL transactions, one entry each, in `category`: its
    /// details through `mapping` (Type-2 and Type-1 fields), its face and
    /// fingers from its records (`TransactionSamples`). A transaction that
    /// cannot be read, mapped or captured is reported by its place in the
    /// list (`line`) and skipped; re-importing one with the same external
    /// reference skips it.
    public func importTransactions(at paths: [String], category: String, mapping: TransactionMapping = .ebts,
                                   confinedTo root: String? = nil,
                                   progress: @Sendable (ImportProgress) -> Void = { _ in }) async throws(VigilError) -> ImportReport {
        try requireLocalWatchlist()
        let categories = categoryNames, now = configuration.clock()
        guard categories.contains(category) else { throw VigilError(.unknownCategory, "unknown category '\(category.prefix(40))'") }
        return try await runImport(count: paths.count, progress: progress) { range, state in
            range.compactMap { index in
                do throws(VigilError) {
                    let file = try Self.confinedPath(paths[index], root: root)
                    guard let data = FileManager.default.contents(atPath: file.path) else {
                        throw VigilError(.notFound, "cannot read '\(paths[index].prefix(120))'")
                    }
                    let transaction = try TransactionSamples.parse([UInt8](data))
                    let details = try EntryValidation.validated(try mapping.details(of: transaction, category: category),
                                                                categories: categories, now: now)
                    return ImportItem(line: index + 1, details: details) { () throws(VigilError) in try TransactionSamples.read(transaction) }
                } catch {
                    state.reject(.init(line: index + 1, code: error.code.rawValue, reason: error.message))
                    return nil
                }
            }
        }
    }
}
