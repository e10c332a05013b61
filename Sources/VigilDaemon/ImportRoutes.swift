import Foundation
import Hummingbird
import Synchronization
import VigilScreening

/// Bulk imports over HTTP: a JSON Lines manifest, or ANSI/NIST-ITL
/// transactions (one entry each, in `category`, details through an optional
/// `mapping` file). Every file must sit under the daemon's import folder
/// (`--import-root`); the import runs in the background and
/// `GET /v1/watchlist/imports/{id}` reports its progress (`imported` counts
/// committed entries) and, once done, its report.
struct ImportRoutes {
    let service: ScreeningService
    let configuration: DaemonConfiguration
    let jobs: ImportJobs

    struct Request: Decodable {
        let manifest: String?
        let transactions: [String]?
        let category: String?
        let mapping: String?
        let wait: Bool?
    }

    func register(on router: Router<VigilRequestContext>) {
        router.post("/v1/watchlist/imports") { request, _ in try await start(request) }
        router.get("/v1/watchlist/imports/:id") { _, context in
            guard let text = context.parameters.get("id"), let id = UUID(uuidString: text), let job = jobs.status(id) else {
                throw VigilError(.notFound, "no import with that id")
            }
            return JSONResponse.make(job)
        }
    }

    func start(_ request: Hummingbird.Request) async throws(VigilError) -> Response {
        guard let root = service.configuration.importRoot else {
            throw VigilError(.notFound, "imports over HTTP are off; start the daemon with --import-root")
        }
        let body = try await JSONBody.decode(Request.self, from: request, maxBytes: configuration.maxJSONBytes,
                                             allowedKeys: ["manifest", "transactions", "category", "mapping", "wait"])
        let source = try Self.source(body, root: root)
        let id = UUID()
        jobs.begin(id)
        let work = Task { [service, jobs] () async -> ImportJob in
            do {
                let progress: @Sendable (ImportProgress) -> Void = { jobs.update(id, progress: $0) }
                let report: ImportReport
                switch source {
                case .manifest(let path):
                    report = try await service.importManifest(at: path, confinedTo: root, progress: progress)
                case .transactions(let paths, let category, let mapping):
                    report = try await service.importTransactions(at: paths, category: category, mapping: mapping, confinedTo: root,
                                                                  progress: progress)
                }
                return jobs.finish(id, report: report)
            } catch {
                return jobs.fail(id, error: error as? VigilError ?? VigilError(.internalError, "the import failed"))
            }
        }
        if body.wait == true {
            let job = await work.value
            if let error = job.error { throw VigilError(VigilError.Code(rawValue: error.code) ?? .internalError, error.message) }
            return JSONResponse.make(job)
        }
        return JSONResponse.make(jobs.status(id), status: .accepted)
    }
}

extension ImportRoutes {
    enum Source: Sendable {
        case manifest(String)
        case transactions([String], category: String, mapping: TransactionMapping)
    }

    /// What to import: a manifest, or transactions with their category (and mapping, read from under `root`).
    static func source(_ body: Request, root: String) throws(VigilError) -> Source {
        switch (body.manifest, body.transactions) {
        case (let manifest?, nil):
            guard body.category == nil, body.mapping == nil else {
                throw VigilError(.invalidField, "'category' and 'mapping' go with 'transactions', not with a manifest")
            }
            return .manifest(manifest)
        case (nil, let paths?):
            guard !paths.isEmpty, paths.count <= 100_000 else { throw VigilError(.invalidField, "'transactions' lists 1 to 100000 files") }
            guard let category = body.category else { throw VigilError(.missingField, "transactions need a 'category'") }
            var mapping = TransactionMapping.ebts
            if let path = body.mapping {
                let file = try ScreeningService.confinedPath(path, root: root)
                guard let data = FileManager.default.contents(atPath: file.path) else {
                    throw VigilError(.notFound, "cannot read the mapping '\(path.prefix(120))'")
                }
                mapping = try TransactionMapping.parse(data)
            }
            return .transactions(paths, category: category, mapping: mapping)
        default:
            throw VigilError(.missingField, "send either 'manifest' or 'transactions'")
        }
    }
}

/// One import's state as `GET /v1/watchlist/imports/{id}` shows it.
struct ImportJob: Sendable, Encodable {
    struct Failure: Sendable, Encodable { let code: String; let message: String }
    let id: UUID
    var status = "running"
    var progress = ImportProgress()
    var report: ImportReport?
    var error: Failure?
}

/// Imports started since the daemon started (kept in memory: after a
/// restart the entries themselves are the record of what was imported).
final class ImportJobs: Sendable {
    private let jobs = Mutex<[UUID: ImportJob]>([:])

    func begin(_ id: UUID) { jobs.withLock { $0[id] = ImportJob(id: id) } }

    func status(_ id: UUID) -> ImportJob? { jobs.withLock { $0[id] } }

    /// Imports still running.
    var running: Int { jobs.withLock { $0.values.filter { $0.status == "running" }.count } }

    func update(_ id: UUID, progress: ImportProgress) { jobs.withLock { $0[id]?.progress = progress } }

    func finish(_ id: UUID, report: ImportReport) -> ImportJob {
        jobs.withLock {
            $0[id]?.status = "done"
            $0[id]?.report = report
            return $0[id] ?? ImportJob(id: id)
        }
    }

    func fail(_ id: UUID, error: VigilError) -> ImportJob {
        jobs.withLock {
            $0[id]?.status = "failed"
            $0[id]?.error = .init(code: error.code.rawValue, message: error.message)
            return $0[id] ?? ImportJob(id: id)
        }
    }
}
