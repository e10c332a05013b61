import Foundation
import Hummingbird
import VigilScreening

/// Watchlist administration over HTTP: entries, samples, categories,
/// version, history and duplicates.
struct WatchlistRoutes {
    let service: ScreeningService
    let configuration: DaemonConfiguration

    func register(on router: Router<VigilRequestContext>) {
        router.get("/v1/watchlist/entries") { request, _ in try await list(request) }
        router.post("/v1/watchlist/entries") { request, _ in try await enroll(request) }
        router.get("/v1/watchlist/entries/:id") { _, context in
            JSONResponse.make(try await service.entry(id: try Self.entryID(context)))
        }
        router.patch("/v1/watchlist/entries/:id") { request, context in
            let patch = try await JSONBody.decode(EntryPatch.self, from: request, maxBytes: configuration.maxJSONBytes,
                                                  allowedKeys: EntryPatch.fieldNames)
            return JSONResponse.make(try await service.update(id: try Self.entryID(context), patch))
        }
        router.delete("/v1/watchlist/entries/:id") { _, context in
            JSONResponse.make(try await service.remove(id: try Self.entryID(context)))
        }
        // An entry as an ANSI/NIST-ITL transaction for another agency (?agency=ORI&to=DAI&type=TOT).
        router.get("/v1/watchlist/entries/:id/transaction") { request, context in
            let query = request.uri.queryParameters
            let bytes = try await service.exportTransaction(id: try Self.entryID(context), agency: query.get("agency") ?? "",
                                                            destination: query.get("to") ?? "", type: query.get("type") ?? "EXPORT")
            return Response(status: .ok, headers: [.contentType: "application/x-ansi-nist"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.post("/v1/watchlist/entries/:id/samples") { request, context in
            let form = try await SubmittedForm.read(request, maxBytes: configuration.maxBodyBytes)
            let entry = try await service.addSamples(id: try Self.entryID(context), faces: form.images("face", "faces"),
                                                     fingers: try form.fingers(), subjects: form.subjectBoxes)
            return JSONResponse.make(entry, status: .created)
        }
        router.delete("/v1/watchlist/entries/:id/samples/:sample") { _, context in
            let sample = context.parameters.get("sample") ?? ""
            return JSONResponse.make(try await service.removeSample(id: try Self.entryID(context), sample: sample))
        }
        router.get("/v1/watchlist/categories") { _, _ in
            JSONResponse.make(CategoriesView(categories: service.categories(), faceOperatingPoints: service.faceOperatingPoints()))
        }
        router.put("/v1/watchlist/categories/:name") { request, context in
            var category = try await JSONBody.decode(WatchlistCategory.self, from: request, maxBytes: configuration.maxJSONBytes,
                                                     allowedKeys: WatchlistCategory.fieldNames, defaultsFrom: ["name": context.parameters.get("name") ?? ""])
            category.name = context.parameters.get("name") ?? category.name
            let version = try await service.setCategory(category)
            return JSONResponse.make(["version": version])
        }
        router.get("/v1/watchlist/version") { _, _ in JSONResponse.make(service.versionReport()) }
        router.get("/v1/watchlist/events") { request, _ in
            let query = try PageQuery(request)
            let from = try query.integer("from", default: 1, range: 1...Int(Int64.max / 2))
            var entry: UUID?
            if let text = query.text("entry") {
                guard let id = UUID(uuidString: text) else { throw VigilError(.invalidField, "entry must be an entry id") }
                entry = id
            }
            return JSONResponse.make(["events": try await service.events(from: Int64(from), limit: query.limit, entry: entry)])
        }
        router.get("/v1/watchlist/duplicates") { _, _ in JSONResponse.make(["pairs": try await service.duplicates()]) }
    }

    func list(_ request: Request) async throws(VigilError) -> Response {
        let page = try PageQuery(request)
        var query = EntryQuery(limit: page.limit, offset: page.offset)
        query.category = page.text("category")
        if let text = page.text("q") {
            guard text.count <= 100 else { throw VigilError(.invalidField, "q holds at most 100 characters") }
            query.text = text
        }
        if let text = page.text("expires_before") {
            guard let date = VigilJSON.parseDate(text) else { throw VigilError(.invalidField, "expires_before must be an ISO 8601 date") }
            query.expiresBefore = date
        }
        if let text = page.text("expires") {
            guard ["never", "set"].contains(text) else { throw VigilError(.invalidField, "expires must be 'never' or 'set'") }
            query.withoutExpiry = text == "never"
        }
        return JSONResponse.make(try await service.entries(query))
    }

    func enroll(_ request: Request) async throws(VigilError) -> Response {
        let form = try await SubmittedForm.read(request, maxBytes: configuration.maxBodyBytes)
        let result = try await service.enroll(try form.details(), faces: form.images("face", "faces"), fingers: try form.fingers(),
                                              subjects: form.subjectBoxes)
        return JSONResponse.make(result, status: .created)
    }

    static func entryID(_ context: VigilRequestContext) throws(VigilError) -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw VigilError(.notFound, "no watchlist entry with that id")
        }
        return id
    }
}

/// The categories and the face operating point each has at the watchlist's size.
struct CategoriesView: Encodable {
    let categories: [WatchlistCategory]
    let faceOperatingPoints: [FaceOperatingPoint]
}
