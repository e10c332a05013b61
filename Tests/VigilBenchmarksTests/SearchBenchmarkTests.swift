import Testing
import VigilBenchmarks
import VigilTestSupport

/// The benchmark's own correctness (not its speed): on a small gallery every
/// reported quantity must be consistent.
@Suite("Search benchmark harness")
struct SearchBenchmarkTests {
    @Test("int8 and f32 layouts report consistent figures", arguments: SearchBenchmark.Layout.allCases)
    func smallRun(layout: SearchBenchmark.Layout) async throws {
        var options = SearchBenchmark.Options()
        options.gallery = 3_008   // whole blocks of 16, so no padding in bytes per template
        options.queries = 40
        options.layout = layout
        options.bandwidthProbeSizes = [64 << 20]
        options.databasePath = layout == .int8 ? temporaryDatabasePath("vigil-bench") : nil
        let report = try await SearchBenchmark.run(options)
        #expect(report.rank1Agreement == 1)
        // int8: one byte per dimension plus scale and identifiers; f32: four per dimension plus identifiers.
        let d: Int = options.dimension
        let expectedBytes = Double(layout == .int8 ? d + 20 : d * 4 + 16)
        #expect(report.bytesPerTemplate == expectedBytes)
        #expect(report.bandwidthGbPerS > 0 && report.vectorsPerS > 0 && report.baselineVectorsPerS > 0)
        #expect(abs(report.fractionOfBandwidth - report.gbPerS / report.bandwidthGbPerS) < 1e-9)
        #expect(report.latencyMsP99 >= report.latencyMsP50)
        #expect((report.loadSeconds != nil) == (layout == .int8))
    }
}

@Suite("Finger benchmark harness")
struct FingerBenchmarkTests {
    @Test("every probe finds its own print; the optimised and the plain matcher agree")
    func smallRun() {
        let report = FingerBenchmark.run(gallery: 60, probes: 6, baselineGallery: 20)
        #expect(report.gallery == 60 && report.probes == 6)
        #expect(report.rank1 == 1)
        #expect(report.maxScoreDifference < 1e-4)
        #expect((30...50).contains(report.meanMinutiae))
        #expect(report.comparesPerSecondPerCore > 0 && report.baselineComparesPerSecondPerCore > 0)
    }
}
