import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import VigilScreening

/// The fields of an enrolment or screening request, whichever way it was
/// sent: multipart/form-data (text fields and files) or JSON (text fields
/// and base64 binaries, one string or an array per field). Binary fields are
/// `face`, `faces`, `finger_<position>` (e.g. `finger_right_index`),
/// `document` (a travel document's photo) and `transaction` (an ANSI/NIST-ITL
/// transaction, which may also be the whole body, sent as application/x-ansi-nist).
struct SubmittedForm: Sendable {
    private(set) var texts: [String: String] = [:]
    private(set) var images: [String: [[UInt8]]] = [:]
    /// The non-binary fields as one JSON object, for entry details.
    private(set) var detailsJSON: Data?
    /// `face_boxes`: per face image, in order, `[x, y, width, height]` around
    /// the face to enrol, or null for the largest face. Kept out of the entry details.
    private(set) var subjectBoxes: [FaceBox?] = []

    static let subjectBoxesField = "face_boxes"

    private static func parseSubjectBoxes(_ value: Any) throws(VigilError) -> [FaceBox?] {
        let problem = VigilError(.invalidField, "face_boxes must be an array of [x, y, width, height] (pixels) or null, one per face image")
        guard let list = value as? [Any] else { throw problem }
        return try list.map { item throws(VigilError) -> FaceBox? in
            if item is NSNull { return nil }
            guard let numbers = item as? [NSNumber], numbers.count == 4,
                  numbers.allSatisfy({ $0.doubleValue.rounded() == $0.doubleValue && abs($0.doubleValue) < 1_000_000 }) else { throw problem }
            let v = numbers.map(\.intValue)
            guard v[2] > 0, v[3] > 0 else { throw problem }
            return FaceBox(x: v[0], y: v[1], width: v[2], height: v[3])
        }
    }

    /// The entry details sent with an enrolment. In multipart bodies,
    /// `aliases` and `documents` are JSON arrays in text fields.
    func details() throws(VigilError) -> EntryDetails {
        guard let detailsJSON else { throw VigilError(.missingField, "field 'name' is required") }
        return try EntryDetailsInput.parse(detailsJSON)
    }

    func text(_ name: String) throws(VigilError) -> String {
        guard let value = texts[name] else { throw VigilError(.missingField, "field '\(name)' is required") }
        return value
    }

    /// Images sent under any of `names` (e.g. "face" and "faces"), in order.
    func images(_ names: String...) -> [[UInt8]] {
        names.flatMap { images[$0] ?? [] }
    }

    static let fingerPrefix = "finger_"

    static let transactionField = "transaction"
    /// A travel document's photo for 1:1 verification: data group 2, or an image.
    static let documentField = "document"

    static func isBinary(_ field: String) -> Bool {
        field == "face" || field == "faces" || field == transactionField || field == documentField || field.hasPrefix(fingerPrefix)
    }

    /// A yes/no text field (`true`/`false`); absent is `false`.
    func flag(_ name: String) throws(VigilError) -> Bool {
        switch texts[name]?.lowercased() {
        case nil, "false": return false
        case "true": return true
        default: throw VigilError(.invalidField, "field '\(name)' must be true or false")
        }
    }

    /// Finger samples from `finger_<position>` fields, one per position.
    func fingers() throws(VigilError) -> [FingerSample] {
        try images.filter { $0.key.hasPrefix(Self.fingerPrefix) }.sorted { $0.key < $1.key }.map { field, samples throws(VigilError) in
            guard samples.count == 1 else { throw VigilError(.invalidField, "send one '\(field)' sample") }
            return FingerSample(position: try FingerPosition(parsing: String(field.dropFirst(Self.fingerPrefix.count))), bytes: samples[0])
        }
    }

    static func read(_ request: Request, maxBytes: Int) async throws(VigilError) -> SubmittedForm {
        let body = try await collect(request, maxBytes: maxBytes)
        guard body.readableBytes > 0 else { throw VigilError(.emptyBody, "the request body is empty") }
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch mediaType {
        case "application/json":
            return try fromJSON(body)
        case "application/x-ansi-nist":
            var form = SubmittedForm()
            form.images[transactionField] = [Array(buffer: body)]
            return form
        case "multipart/form-data":
            guard let boundary = parameter("boundary", in: contentType) else {
                throw VigilError(.malformedMultipart, "multipart/form-data needs a boundary parameter")
            }
            return try fromMultipart(body, boundary: boundary)
        default:
            throw VigilError(.unsupportedMediaType, "send multipart/form-data, application/json or application/x-ansi-nist")
        }
    }

    private static func collect(_ request: Request, maxBytes: Int) async throws(VigilError) -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBytes {
            throw VigilError(.payloadTooLarge, "the request body is larger than \(maxBytes) bytes")
        }
        do {
            return try await request.body.collect(upTo: maxBytes)
        } catch is NIOTooManyBytesError {
            throw VigilError(.payloadTooLarge, "the request body is larger than \(maxBytes) bytes")
        } catch {
            throw VigilError(.emptyBody, "the request body could not be read")
        }
    }

    private static func parameter(_ name: String, in contentType: String) -> String? {
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    // MARK: JSON

    private static func fromJSON(_ body: ByteBuffer) throws(VigilError) -> SubmittedForm {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
                throw VigilError(.malformedJSON, "the body must be a JSON object")
            }
            object = parsed
        } catch let error as VigilError {
            throw error
        } catch {
            throw VigilError(.malformedJSON, "the body is not a valid JSON object")
        }
        var form = SubmittedForm()
        var rest: [String: Any] = [:]
        for (name, value) in object {
            if name == subjectBoxesField {
                form.subjectBoxes = try parseSubjectBoxes(value)
                continue
            }
            guard isBinary(name) else {
                rest[name] = value
                if let text = value as? String { form.texts[name] = text } else if let flag = value as? Bool { form.texts[name] = String(flag) }
                continue
            }
            let values: [String]
            if let one = value as? String {
                values = [one]
            } else if let many = value as? [String] {
                values = many
            } else {
                throw VigilError(.invalidField, "field '\(name.prefix(40))' must be a base64 string or an array of them")
            }
            form.images[name] = try values.enumerated().map { offset, text throws(VigilError) in
                try decodeBase64(text, field: "\(name)[\(offset)]")
            }
        }
        form.detailsJSON = try? JSONSerialization.data(withJSONObject: rest)
        return form
    }

    private static func decodeBase64(_ text: String, field: String) throws(VigilError) -> [UInt8] {
        // Accept data URLs ("data:image/jpeg;base64,...") as browsers produce them.
        let payload = text.hasPrefix("data:") ? String(text.drop(while: { $0 != "," }).dropFirst()) : text
        guard let data = Data(base64Encoded: payload, options: .ignoreUnknownCharacters) else {
            throw VigilError(.invalidField, "\(field) is not valid base64")
        }
        return [UInt8](data)
    }

    // MARK: multipart/form-data

    private static func fromMultipart(_ body: ByteBuffer, boundary: String) throws(VigilError) -> SubmittedForm {
        guard MultipartGuard.headerNamesAreASCII(body, boundary: boundary) else {
            throw VigilError(.malformedMultipart, "a part's header name is not ASCII")
        }
        let parser = MultipartParser(boundary: boundary)
        var parts: [(name: String?, body: [UInt8])] = []
        var name: String?
        var bytes: [UInt8] = []
        parser.onHeader = { field, value in
            if field.lowercased() == "content-disposition" { name = parameter("name", in: value) }
        }
        parser.onBody = { chunk in bytes.append(contentsOf: chunk.readableBytesView) }
        parser.onPartComplete = {
            parts.append((name, bytes))
            name = nil
            bytes = []
        }
        do {
            try parser.execute(body)
        } catch {
            throw VigilError(.malformedMultipart, "the multipart body could not be parsed")
        }
        guard !parts.isEmpty else { throw VigilError(.malformedMultipart, "the multipart body has no parts") }
        var form = SubmittedForm()
        for part in parts {
            guard let field = part.name else { throw VigilError(.malformedMultipart, "a part has no name") }
            if isBinary(field) {
                form.images[field, default: []].append(part.body)
            } else {
                guard let text = String(validating: part.body, as: UTF8.self) else {
                    throw VigilError(.invalidField, "field '\(field)' is not valid UTF-8")
                }
                form.texts[field] = text
            }
        }
        var object: [String: Any] = [:]
        if let text = form.texts.removeValue(forKey: subjectBoxesField) {
            guard let parsed = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                throw VigilError(.invalidField, "face_boxes must be JSON, e.g. [[120, 80, 200, 200]]")
            }
            form.subjectBoxes = try parseSubjectBoxes(parsed)
        }
        for (name, text) in form.texts {
            let structured = ["aliases", "documents"].contains(name)
            object[name] = structured ? (try? JSONSerialization.jsonObject(with: Data(text.utf8))) ?? text : text
        }
        form.detailsJSON = try? JSONSerialization.data(withJSONObject: object)
        return form
    }
}
