import Foundation
import VigilMatching
import VigilScreening
import VigilStorage
import VigilStores

/// `vigil bench follow`: how long a change committed through one node
/// takes to become searchable on another node of the same database. A
/// writer enrols synthetic entries one at a time; a full node (the daemon's
/// service, with its index and its follower) is timed from the writer's
/// acknowledged commit until its index reaches that version. The baseline,
/// measured in the same run, is the same enrolment made through the node
/// itself, searchable at its own commit.
public enum FollowBenchmark {
    public struct Report: Sendable, Codable {
        public let changes: Int
        /// Commit acknowledged on the writer → searchable on the other node.
        public let otherNode: LatencyStats
        /// The enrolment's own commit on the writer (what an administrator waits for).
        public let commit: LatencyStats
    }

    public static func run(databaseURL: String, changes: Int, configuration base: ServiceConfiguration,
                           progress: @escaping @Sendable (String) -> Void) async throws(VigilError) -> Report {
        var configuration = base
        configuration.databaseURL = databaseURL
        configuration.keyPath = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-follow-\(UUID().uuidString)/central").path
        progress("starting a node on \(configuration.storeLocation)")
        let node = try await ScreeningService(configuration: configuration)
        let writer: any VigilStore
        do {
            writer = try await configuration.storeLocation.open(keys: try configuration.loadKeys())
        } catch {
            throw VigilError(error)
        }
        let gallery = SyntheticGallery(count: changes, dimension: configuration.recognizer.dimension, seed: 11)
        var followed: [UInt64] = [], committed: [UInt64] = []
        progress("\(changes) enrolments through a second connection, each timed until the node can search it")
        for n in 0..<changes {
            let vector = gallery.vector(n)
            let entry = NewEntry(name: "follow \(n)", category: "discreet_check",
                                 faces: [NewFaceTemplate(vector: vector, quantized: QuantizedVector(vector).serialized,
                                                         model: configuration.recognizer.identity)])
            let start = ContinuousClock.now
            let version: Int64
            do { version = try await writer.enroll([entry])[0].version } catch { throw VigilError(error) }
            let acknowledged = ContinuousClock.now
            while node.watchlistStatus.version < version {
                guard ContinuousClock.now - acknowledged < .seconds(10) else {
                    throw VigilError(.internalError, "the node did not reach version \(version) within 10 s")
                }
                try? await Task.sleep(for: .microseconds(200))
            }
            followed.append(nanoseconds(ContinuousClock.now - acknowledged))
            committed.append(nanoseconds(acknowledged - start))
        }
        await writer.close()
        await node.shutdown()
        return Report(changes: changes, otherNode: LatencyStats(nanoseconds: followed), commit: LatencyStats(nanoseconds: committed))
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000))
    }
}
