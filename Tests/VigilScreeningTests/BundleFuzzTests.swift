import Foundation
import Testing
import VigilStorage
import VigilTestSupport
@testable import VigilScreening

/// Bundle files are outside bytes: bounded random damage to a signed
/// bundle must end in the bundle, unchanged, or a typed refusal; never a
/// crash, never a different bundle.
@Suite("Watchlist bundle files, fuzzed")
struct BundleFuzzTests {
    func signed(_ keys: KeyRing) throws -> (file: [UInt8], payload: Data) {
        let bundle = WatchlistBundle(
            agency: "FIA", category: "missing_person", since: 0, version: 3, generatedAt: Date(timeIntervalSince1970: 1_800_000_000),
            entries: [WatchlistBundle.Entry(sourceId: UUID(), details: EntryDetails(name: "Person <script>", category: "missing_person"),
                                            faces: [WatchlistBundle.Face(vector: Data(repeating: 0x3E, count: 64).base64EncodedString(), model: "m@1")],
                                            fingers: [])],
            removed: [UUID()])
        let payload = try VigilJSON.encoder().encode(bundle)
        let signature = try keys.sign(SignedEnvelope.message(format: WatchlistBundle.format, [UInt8](payload)))
        let envelope = SignedEnvelope(format: WatchlistBundle.format, signer: Hex.encode(keys.publicKey),
                                      payload: payload.base64EncodedString(), signature: Data(signature).base64EncodedString())
        return ([UInt8](try VigilJSON.encoder().encode(envelope)), payload)
    }

    @Test("2,000 damaged files: each is the original bundle or refused with invalid_field or forbidden")
    func damaged() throws {
        let keys = KeyRing.ephemeral()
        let (file, payload) = try signed(keys)
        let original = try ScreeningService.verifiedBundle(Data(file), trusting: [keys.publicKey])
        #expect(try VigilJSON.encoder().encode(original) == payload)
        #expect(throws: VigilError.self) { try ScreeningService.verifiedBundle(Data(file), trusting: [KeyRing.ephemeral().publicKey]) }

        var random = SplitMix64(state: 20261203)
        var refused = 0
        for _ in 0..<2_000 {
            var damaged = file
            switch random.next() % 3 {
            case 0: damaged[Int(random.next() % UInt64(damaged.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            case 1: damaged = Array(damaged.prefix(Int(random.next() % UInt64(damaged.count))))
            default: damaged.insert(UInt8(truncatingIfNeeded: random.next()), at: Int(random.next() % UInt64(damaged.count)))
            }
            switch Result(catching: { () throws(VigilError) in try ScreeningService.verifiedBundle(Data(damaged), trusting: [keys.publicKey]) }) {
            case .success(let accepted):
                // Only damage outside the signed bytes (the signer's hex, whitespace) can leave it readable.
                #expect(try VigilJSON.encoder().encode(accepted) == payload)
            case .failure(let error):
                #expect([VigilError.Code.invalidField, .forbidden].contains(error.code), "\(error)")
                refused += 1
            }
        }
        #expect(refused > 1_500)
    }
}
