import Foundation
import Logging
import PostgresNIO
import Testing
import VigilTestSupport
import VigilStorage
@testable import VigilPostgres

/// Every database operation answers its caller: within the deadline when no
/// connection comes, and soon after its connection closes under it, even
/// when the driver itself would wait forever.
@Suite("Database operations that cannot hang their caller")
struct GuardedOperationTests {
    let logger = Logger(label: "vigil.test.guarded")

    func connection() async throws -> PostgresConnection {
        let place = try PostgresLocation(url: try TestPostgres.freshDatabase())
        let configuration = PostgresConnection.Configuration(host: place.host, port: place.port, username: place.user,
                                                             password: nil, database: place.database, tls: .disable)
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    }

    @Test("a query on a connection that closed under it ends as unavailable after the grace period, not never",
          .enabled(if: TestPostgres.enabled), .timeLimit(.minutes(1)))
    func closedConnection() async throws {
        let connection = try await connection()
        let answered = try await GuardedOperation<Int>(deadline: .seconds(30), grace: .milliseconds(500)).run { connected in
            connected(connection)
            return try await connection.query("SELECT 1", logger: logger).collect().count
        }
        #expect(answered == 1, "an open connection answers")

        try await connection.close()
        let clock = ContinuousClock(), start = clock.now
        var failure: StorageError?
        do {
            _ = try await GuardedOperation<Int>(deadline: .seconds(30), grace: .milliseconds(500)).run { connected in
                connected(connection)
                return try await connection.query("SELECT 1", logger: logger).collect().count
            }
        } catch {
            failure = error
        }
        guard case .unavailable = failure else { Issue.record("expected unavailable, got \(String(describing: failure))"); return }
        #expect(clock.now - start < .seconds(10), "well before the 30 s deadline, which no longer applies once connected")
    }

    @Test("work that never gets a connection fails as unavailable at the deadline; cancelling the caller ends it at once",
          .timeLimit(.minutes(1)))
    func noConnection() async throws {
        let clock = ContinuousClock()
        var start = clock.now
        await #expect(throws: StorageError.self) {
            // A wait that ignores cancellation, as a queued lease might.
            _ = try await GuardedOperation<Int>(deadline: .milliseconds(300)).run { _ in
                await Task.detached { try? await Task.sleep(for: .seconds(5)) }.value
                return 0
            }
        }
        #expect(clock.now - start < .seconds(5))

        start = clock.now
        let caller = Task {
            try await GuardedOperation<Int>(deadline: .seconds(60)).run { _ in
                try await Task.sleep(for: .seconds(60))
                return 0
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        caller.cancel()
        await #expect(throws: StorageError.self) { _ = try await caller.value }
        #expect(clock.now - start < .seconds(5))
    }
}
