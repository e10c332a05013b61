import Synchronization
import Testing
import VigilTestSupport
@testable import VigilVision

@Suite("Engine pool priorities", .enabled(if: TestData.shouldRunDataTests))
struct AnalyzerPriorityTests {
    @Test("an interactive analysis overtakes queued bulk work: it waits for at most the analysis in progress")
    func interactiveFirst() async throws {
        let analyzer = try FaceAnalyzer(modelsDirectory: TestData.modelsDirectory, concurrency: 1)
        let photo = try TestData.bytes("faces/scenes/bald_guys.jpg")
        final class Order: Sendable {
            let names = Mutex<[String]>([])
            func append(_ name: String) { names.withLock { $0.append(name) } }
        }
        let order = Order()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<5 {
                group.addTask {
                    _ = try await analyzer.analyze(photo, priority: .bulk)
                    order.append("bulk \(n)")
                }
            }
            // Every bulk call queued (one running) before the interactive one is issued; on a
            // busy machine that can take a while, so wait for the queue, not for a fixed time.
            try await Self.until { analyzer.waiting.bulk >= 4 || order.names.withLock { $0.count } > 0 }
            group.addTask {
                _ = try await analyzer.analyze(photo, priority: .interactive)
                order.append("interactive")
            }
            // Measured from its admission to the queue, not from the task's creation, which
            // a loaded machine may delay by several analyses.
            try await Self.until { analyzer.waiting.interactive == 1 || order.names.withLock { $0.contains("interactive") } }
            let doneBefore = order.names.withLock { $0.count }
            order.append("issued after \(doneBefore)")
            try await group.waitForAll()
        }
        let events = order.names.withLock { $0 }
        let issued = try #require(events.firstIndex { $0.hasPrefix("issued") })
        let finished = try #require(events.firstIndex(of: "interactive"))
        let bulkAfter = events[(finished + 1)...].filter { $0.hasPrefix("bulk") }.count
        // Issued with bulk work still queued, it overtakes all but the analysis in progress.
        #expect(issued <= 2, "the bulk work finished too soon to test anything: \(events)")
        #expect(finished - issued <= 2 && bulkAfter >= 2, "\(events)")
    }

    private static func until(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }
}
