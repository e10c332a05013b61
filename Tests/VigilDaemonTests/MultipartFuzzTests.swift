import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing
@testable import VigilDaemon
import VigilScreening
import VigilTestSupport

extension SplitMix64 {
    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// Bounded random inputs through the multipart reader (MultipartGuard, then
/// MultipartKit): header names and values with every byte value, truncated
/// and repeated delimiters. Any crash fails the run; every input must end
/// as a form or a typed `VigilError`. (A byte above 0x7F in a header name
/// crashed MultipartKit 4.7.1: found by schemathesis, kept here.)
@Suite("Multipart bodies, fuzzed")
struct MultipartFuzzTests {
    func body(_ random: inout SplitMix64, boundary: String) -> [UInt8] {
        var out: [UInt8] = []
        for _ in 0..<(1 + random.below(3)) {
            out += Array("--\(boundary)\r\n".utf8)
            // A well-formed part header, then (sometimes) one of random bytes.
            out += Array("Content-Disposition: form-data; name=\"face\"\r\n".utf8)
            if random.below(2) == 0 { out += random.bytes(random.below(12)) + Array(": ".utf8) + random.bytes(random.below(8)) + Array("\r\n".utf8) }
            out += Array("\r\n".utf8) + random.bytes(random.below(64)) + Array("\r\n".utf8)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        // Sometimes cut short, sometimes with a stray byte flipped.
        if random.below(4) == 0, !out.isEmpty { out = Array(out.prefix(random.below(out.count))) }
        if random.below(4) == 0, !out.isEmpty { out[random.below(out.count)] = UInt8(truncatingIfNeeded: random.next()) }
        return out
    }

    @Test("3,000 random bodies: each is read or refused with a code, never a crash")
    func randomBodies() async throws {
        var random = SplitMix64(state: 20261202)
        var refused = 0
        for _ in 0..<3_000 {
            let boundary = "B\(random.below(1000))"
            var head = HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/v1/screenings")
            head.headerFields[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let request = Request(head: head, body: .init(buffer: ByteBuffer(bytes: body(&random, boundary: boundary))))
            do {
                _ = try await SubmittedForm.read(request, maxBytes: 1 << 20)
            } catch {
                #expect([.malformedMultipart, .invalidField, .emptyBody].contains(error.code), "\(error)")
                refused += 1
            }
        }
        #expect(refused > 0 && refused < 3_000)
    }
}
