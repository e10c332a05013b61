import Foundation
import Logging

/// How a post reaches headquarters; the daemon supplies an HTTP one.
public protocol UpstreamTransport: Sendable {
    /// The signed page of changes after `after` (`GET /v1/sync/watchlist`).
    /// `wait`: how long headquarters may hold the request for a change when there is none yet.
    func watchlistPage(after: Int64, limit: Int, wait: Duration) async throws(UpstreamFailure) -> Data
    /// How far headquarters holds this post's audit chain (`GET /v1/sync/records/head`).
    func recordHead() async throws(UpstreamFailure) -> RecordAcknowledgement
    /// Sends a batch of records (`POST /v1/sync/records`); answers the new head.
    func upload(_ records: RecordUpload) async throws(UpstreamFailure) -> RecordAcknowledgement
}

/// Why a request to headquarters failed, as a stable code for health and metrics.
public struct UpstreamFailure: Error, Sendable {
    /// Headquarters could not be reached (down, link cut, timeout).
    public static let unreachable = "upstream_unreachable"

    /// `upstream_unreachable`, or the error code headquarters answered with.
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// A post's two loops with headquarters. Watchlist down: ask for the
/// changes after the post's version, waiting at headquarters up to
/// `longPoll` for one to happen (so a change reaches the post as it
/// commits), and apply each page as it arrives. Records up: every
/// `interval`, send the audit records headquarters does not hold yet.
/// Screening never waits for either: the index changes only when a page
/// has committed, and records are read from the post's own log, which
/// keeps everything. While headquarters cannot be reached, each loop backs
/// off to at most `maximumBackoff`.
public final class UpstreamFollower: Sendable {
    let service: ScreeningService
    let transport: any UpstreamTransport
    let upstreamKey: [UInt8]
    let interval: Duration
    let longPoll: Duration
    let pageLimit: Int
    let maximumBackoff: Duration
    let logger: Logger

    public init(service: ScreeningService, transport: any UpstreamTransport, upstreamKey: [UInt8], interval: Duration = .seconds(1),
                longPoll: Duration = .seconds(20), pageLimit: Int = 500, maximumBackoff: Duration = .seconds(10),
                logger: Logger = Logger(label: "vigil.upstream")) {
        self.service = service
        self.transport = transport
        self.upstreamKey = upstreamKey
        self.interval = interval
        self.longPoll = longPoll
        self.pageLimit = pageLimit
        self.maximumBackoff = maximumBackoff
        self.logger = logger
    }

    /// Runs both loops until the task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                await self.loop("watchlist sync", reported: { self.service.upstreamFailed($0) }) { () async -> Round in
                    let before = self.service.upstreamStatus?.version
                    let failure = await self.syncUntilLevel(wait: self.longPoll)
                    // A page applied: ask again at once (the next request waits at headquarters).
                    return Round(failure: failure, pause: self.service.upstreamStatus?.version != before ? .zero : self.interval)
                }
            }
            group.addTask {
                await self.loop("record upload", reported: { self.service.recordsFailed($0) }) { () async -> Round in
                    Round(failure: await self.uploadRecords(), pause: self.interval)
                }
            }
        }
    }

    /// What one round of a loop did, and how long to wait before the next
    /// when it succeeded.
    struct Round {
        let failure: UpstreamFailure?
        let pause: Duration
    }

    /// Repeats `round`, pausing what it asks (but never less than `interval`
    /// from the start of a round that applied nothing, so a headquarters that
    /// does not hold requests is not asked in a tight loop), backing off while it fails.
    private func loop(_ name: String, reported: (UpstreamFailure) -> Void, _ round: () async -> Round) async {
        var failures = 0
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let started = clock.now
            let done = await round()
            if let failure = done.failure {
                failures += 1
                reported(failure)
                // Logged when a failure starts, not once a second while it lasts.
                if failures == 1 { logger.warning("\(name) with headquarters failed", metadata: ["code": "\(failure.code)", "reason": "\(failure.message)"]) }
            } else {
                if failures > 0 { logger.info("\(name) with headquarters restored", metadata: ["failed_attempts": "\(failures)"]) }
                failures = 0
            }
            let wait = failures > 0 ? min(maximumBackoff, interval * (1 << min(failures - 1, 16)))
                                    : done.pause == .zero ? .zero : max(.zero, done.pause - (clock.now - started))
            try? await Task.sleep(for: wait)
        }
    }

    /// Pulls and applies pages until the post is level; nil when it is.
    /// The first request may wait at headquarters up to `wait` for a change.
    public func syncUntilLevel(wait: Duration = .zero) async -> UpstreamFailure? {
        var waitForChange = wait
        while !Task.isCancelled {
            let version = service.upstreamStatus?.version ?? 0
            do throws(UpstreamFailure) {
                let page = try await transport.watchlistPage(after: version, limit: pageLimit, wait: waitForChange)
                waitForChange = .zero
                let status: UpstreamStatus
                do { status = try await service.applySyncPage(page, upstreamKey: upstreamKey) } catch {
                    throw UpstreamFailure(code: error.code.rawValue, message: error.message)
                }
                if status.versionsBehind == 0 { return nil }
            } catch {
                return error
            }
        }
        return nil
    }

    /// Sends every record headquarters does not hold yet, batch by batch,
    /// starting from where headquarters says it stands (so an upload cut
    /// short, or a post restored from a copy, resumes without gaps or repeats).
    public func uploadRecords() async -> UpstreamFailure? {
        do throws(UpstreamFailure) {
            var acknowledged = try await transport.recordHead().acknowledgedThrough
            while !Task.isCancelled {
                let batch: RecordUpload
                do { batch = try await service.pendingRecords(after: acknowledged) } catch {
                    throw UpstreamFailure(code: error.code.rawValue, message: error.message)
                }
                guard let last = batch.records.last?.seq else { break }
                acknowledged = try await transport.upload(batch).acknowledgedThrough
                service.recordsAcknowledged(through: acknowledged)
                guard acknowledged >= last else {
                    throw UpstreamFailure(code: "upload_not_acknowledged", message: "headquarters stored through \(acknowledged), not \(last)")
                }
            }
            service.recordsAcknowledged(through: acknowledged)
            return nil
        } catch {
            return error
        }
    }
}
