import Foundation
import Testing
import VigilTestSupport

/// A headquarters daemon and its posts, each a real `vigil serve` process
/// with its own SQLite database, talking over loopback.
@Suite("A headquarters and its posts as real processes", .enabled(if: TestData.shouldRunDataTests), .serialized)
struct PostNetworkTests {
    /// A post's files: its database, its node token at headquarters, a post token of its own.
    struct Post {
        let name: String
        let database: String
        let nodeToken: String
        let postToken: String
    }

    /// Registers a post at headquarters the way an operator does: the post's
    /// signing key first, then its node token with that key.
    func register(_ name: String, in root: URL, headquarters: [String]) async throws -> Post {
        let database = root.appendingPathComponent("\(name).sqlite").path
        let keyFile = root.appendingPathComponent("\(name).key").path
        #expect(try await CLI.run(["audit", "public-key", "--db", database, "--output", keyFile]).status == 0)
        let node = try await CLI.run(["token", "create", "--role", "node", "--name", name, "--node-key", keyFile] + headquarters)
        let post = try await CLI.run(["token", "create", "--role", "post", "--name", name, "--db", database])
        return Post(name: name, database: database, nodeToken: try lastLine(node), postToken: try lastLine(post))
    }

    func lastLine(_ run: CLI.Run) throws -> String {
        try #require(run.status == 0 ? run.stdout.split(separator: "\n").last.map(String.init) : nil, "\(run.stderr)")
    }

    func start(_ post: Post, upstream port: Int, key: String, root: URL, extra: [String] = []) async throws -> DaemonProcess {
        try await DaemonProcess(database: post.database, importRoot: root.path,
                          extra: ["--upstream", "http://127.0.0.1:\(port)", "--upstream-token", post.nodeToken, "--upstream-key", key] + extra)
    }

    func upstream(_ node: DaemonProcess) async throws -> [String: Any] {
        try #require(try await node.request("GET", "/v1/health")["upstream"] as? [String: Any])
    }

    /// How long until `condition` held (polled every 20 ms), or nil when it did not within `limit`.
    func time(within limit: Duration, _ condition: () async throws -> Bool) async throws -> Duration? {
        let started = ContinuousClock.now
        repeat {
            if try await condition() { return ContinuousClock.now - started }
            try await Task.sleep(for: .milliseconds(20))
        } while ContinuousClock.now - started < limit
        return nil
    }

    @Test("enrol at headquarters: both posts have it within a sync interval and find the person; a category cleared for one post only never reaches the other; with headquarters down they keep screening, and after its restart every record reaches it once and verifies; a removal reaches them")
    func network() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-posts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let hqStore = ["--db", root.appendingPathComponent("hq.sqlite").path]
        var posts: [Post] = []
        for name in ["POST-A", "POST-B"] { posts.append(try await register(name, in: root, headquarters: hqStore)) }
        let key = root.appendingPathComponent("hq.key").path
        #expect(try await CLI.run(["sync", "public-key", "--output", key] + hqStore).status == 0)

        var hq = try await DaemonProcess(store: hqStore, log: root.appendingPathComponent("hq.log"), importRoot: root.path)
        defer { hq.terminate() }
        try await hq.waitUntilReady()
        var nodes: [DaemonProcess] = []
        for post in posts { nodes.append(try await start(post, upstream: hq.port, key: key, root: root)) }
        defer { nodes.forEach { $0.terminate() } }
        for node in nodes { try await node.waitUntilReady() }

        // A node token reaches the sync routes only; the console refuses it.
        #expect(try await hq.send("GET", "/v1/watchlist/entries", token: posts[0].nodeToken).status == 403)
        #expect(try await hq.send("POST", "/console/session", token: nil, json: ["token": posts[0].nodeToken]).status == 403)

        let person = try #require(try TestData.identities("pakistan-politicians").first { $0.files.count >= 4 })
        let enrolled = try await hq.send("POST", "/v1/watchlist/entries", token: hq.adminToken, json: [
            "name": "Wanted", "category": "wanted_trafficking", "face": Data(try TestData.bytes(person.files[0])).base64EncodedString()])
        let id = try #require(enrolled.body["id"] as? String)
        for (post, node) in zip(posts, nodes) {
            let took = try await time(within: .seconds(30)) { try await node.request("GET", "/v1/watchlist/version")["entries"] as? Int == 1 }
            print("\(post.name) had the enrolment after \(took.map { "\($0)" } ?? "more than 30 s") (sync interval 1 s)")
            // Arrival is what is tested; how fast is `make bench-posts`' figure (change to searchable,
            // p50/p99): on the shared two-core CI machine a post starved of CPU once took 4.6 s.
            #expect(took != nil, "\(post.name) did not have the entry within 30 s")
        }
        let probe = { (n: Int) in Data(try TestData.bytes(person.files[n])).base64EncodedString() }
        let found = try await nodes[0].send("POST", "/v1/screenings", token: posts[0].postToken, json: ["face": try probe(1)])
        #expect((found.body["candidates"] as? [[String: Any]])?.first?["entry_id"] as? String == id, "\(found.body)")
        #expect(found.body["watchlist_synced_at"] != nil && found.body["stale_watchlist"] as? Bool == false)
        // Need to know: discreet checks go to POST-A only; POST-B never receives them.
        let categories = try #require(try await hq.request("GET", "/v1/watchlist/categories")["categories"] as? [[String: Any]])
        var discreet = try #require(categories.first { $0["name"] as? String == "discreet_check" })
        discreet["posts"] = ["POST-A"]
        #expect(try await hq.send("PUT", "/v1/watchlist/categories/discreet_check", token: hq.adminToken, json: discreet).status == 200)
        let other = try #require(try TestData.identities("pakistan-politicians").last { $0.files.count >= 2 && $0.identity != person.identity })
        let restricted = try await hq.send("POST", "/v1/watchlist/entries", token: hq.adminToken, json: [
            "name": "Discreet", "category": "discreet_check", "face": Data(try TestData.bytes(other.files[0])).base64EncodedString()])
        let restrictedID = try #require(restricted.body["id"] as? String)
        #expect(try await time(within: .seconds(30)) { try await nodes[0].request("GET", "/v1/watchlist/version")["entries"] as? Int == 2 } != nil)
        #expect(try await time(within: .seconds(30)) { try await upstream(nodes[1])["version"] as? Int == 3 } != nil)
        #expect(try await nodes[1].request("GET", "/v1/watchlist/version")["entries"] as? Int == 1, "POST-B received an entry it is not cleared for")
        // The enrolment photo itself: this checks who holds the entry, not how well faces match.
        let otherProbe = Data(try TestData.bytes(other.files[0])).base64EncodedString()
        let atA = try await nodes[0].send("POST", "/v1/screenings", token: posts[0].postToken, json: ["face": otherProbe])
        #expect((atA.body["candidates"] as? [[String: Any]])?.contains { $0["entry_id"] as? String == restrictedID } == true)
        let atB = try await nodes[1].send("POST", "/v1/screenings", token: posts[1].postToken, json: ["face": otherProbe])
        #expect((atB.body["candidates"] as? [[String: Any]])?.contains { $0["entry_id"] as? String == restrictedID } == false)

        // The post's watchlist is headquarters' copy.
        let local = try await nodes[0].send("DELETE", "/v1/watchlist/entries/\(id)", token: nodes[0].adminToken)
        #expect(local.status == 403, "\(local.body)")

        // Headquarters down: the posts keep screening and say they cannot reach it.
        hq.terminate()
        for (post, node) in zip(posts, nodes) {
            for n in 2...3 {
                let screened = try await node.send("POST", "/v1/screenings", token: post.postToken, json: ["face": try probe(n)])
                #expect(screened.status == 200 && screened.body["decision"] as? String == "review_required")
            }
            #expect(try await time(within: .seconds(15)) { try await upstream(node)["connected"] as? Bool == false } != nil)
        }

        // Back on the same address: each post's records reach it, the screenings made meanwhile among them.
        hq = try await DaemonProcess(store: hqStore, log: root.appendingPathComponent("hq2.log"), importRoot: root.path,
                               adminToken: hq.adminToken, port: hq.port)
        try await hq.waitUntilReady()
        for node in nodes {
            // Generous: under a loaded run one post caught up just after 60 s (its backoff is at most 10 s).
            let caughtUp = try await time(within: .seconds(180)) {
                let status = try await upstream(node)
                return status["connected"] as? Bool == true && status["records_error"] == nil && (status["records_acknowledged"] as? Int ?? 0) >= 5
            }
            let last = try await upstream(node)
            #expect(caughtUp != nil, "\(last)")
        }

        // A removal at headquarters reaches the posts; the person is no longer found.
        #expect(try await hq.send("DELETE", "/v1/watchlist/entries/\(id)", token: hq.adminToken).status == 200)
        for ((post, node), left) in zip(zip(posts, nodes), [1, 0]) {
            #expect(try await time(within: .seconds(30)) { try await node.request("GET", "/v1/watchlist/version")["entries"] as? Int == left } != nil)
            let after = try await node.send("POST", "/v1/screenings", token: post.postToken, json: ["face": try probe(1)])
            #expect((after.body["candidates"] as? [[String: Any]])?.contains { $0["entry_id"] as? String == id } == false)
        }
        // Let the last screenings go up, then stop everything and verify at headquarters.
        try await Task.sleep(for: .seconds(3))
        nodes.forEach { $0.terminate() }
        hq.terminate()

        let verified = try await CLI.run(["audit", "verify", "--json"] + hqStore)
        #expect(verified.status == 0, "\(verified.stdout) \(verified.stderr)")
        let report = try CLI.json(verified)
        let chains = try #require(report["posts"] as? [[String: Any]])
        #expect(chains.count == 2)
        for (post, chain) in zip(posts, chains) {
            #expect(chain["post"] as? String == post.name)
            let verification = try #require(chain["verification"] as? [String: Any])
            #expect(verification["ok"] as? Bool == true, "\(chain)")
            // Every record the post logged (its screenings with headquarters down among them) is in
            // headquarters' copy, once: the copy is the post's chain, link for link.
            let own = try CLI.json(try await CLI.run(["audit", "verify", "--json", "--db", post.database]))
            print("\(post.name): \(own["records"] ?? "?") records at the post, \(verification["records"] ?? "?") at headquarters")
            #expect(verification["records"] as? Int == own["records"] as? Int, "headquarters' copy of \(post.name)'s chain is incomplete")
        }
    }

    /// Runs one SQL statement on a SQLite file with Python's sqlite3 (what an
    /// operator or an attacker with the file could do); the first column of the first row.
    func sqlite(_ path: String, _ statement: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1]); row = db.execute(sys.argv[2]).fetchone(); db.commit()
            print(row[0] if row else "")
            """, path, statement]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("kill -9 of a post while it applies pages and while it uploads: it restarts at a version headquarters had, nothing applied twice, nothing lost; a post chain with one record changed is refused with its sequence number")
    func crashes() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-post-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let hqDatabase = root.appendingPathComponent("hq.sqlite").path
        let total = 20_000
        // Headquarters holds 20,000 synthetic face entries of the shipped recognizer (one version each).
        let filled = try await CLI.run(["bench", "search", "--gallery", "\(total)", "--queries", "5", "--from-db", hqDatabase], modelsDirectory: nil)
        try #require(filled.status == 0, "\(filled.stderr)")
        let hqStore = ["--db", hqDatabase]
        let post = try await register("POST-C", in: root, headquarters: hqStore)
        let key = root.appendingPathComponent("hq.key").path
        #expect(try await CLI.run(["sync", "public-key", "--output", key] + hqStore).status == 0)
        let hq = try await DaemonProcess(store: hqStore, log: root.appendingPathComponent("hq.log"), importRoot: root.path)
        defer { hq.terminate() }
        try await hq.waitUntilReady()

        // Killed while catching up: its copy is exactly at a page boundary headquarters had.
        var node = try await start(post, upstream: hq.port, key: key, root: root)
        try await node.waitUntilReady()
        let started = ContinuousClock.now
        #expect(try await time(within: .seconds(120)) { (try await upstream(node)["version"] as? Int ?? 0) > 0 } != nil)
        node.kill9()
        let version = try #require(Int(try sqlite(post.database, "SELECT version FROM upstream_state")))
        let held = try #require(Int(try sqlite(post.database, "SELECT COUNT(*) FROM watchlist_entry")))
        print("POST-C killed while catching up: at headquarters version \(version), holding \(held) entries")
        #expect(version > 0 && version < total, "the post was not killed in the middle of its catch-up")
        #expect(version % 500 == 0 && held == version, "the post's copy is not headquarters' watchlist at a version it had")

        // The rest of the catch-up with the record upload paused (its loop runs once at start, then
        // waits an hour), so the post ends with thousands of records headquarters does not hold yet.
        node = try await start(post, upstream: hq.port, key: key, root: root, extra: ["--sync-interval-seconds", "3600"])
        defer { node.terminate() }
        try await node.waitUntilReady()
        let caughtUp = try await time(within: .seconds(300)) { try await upstream(node)["version"] as? Int == total }
        #expect(caughtUp != nil)
        print("POST-C caught up \(total) entries in \(ContinuousClock.now - started) with one kill -9 (debug build)")
        let status = try await node.request("GET", "/v1/watchlist/version")
        // One local version per entry: no page was applied twice (a second apply would have added an update).
        #expect(status["entries"] as? Int == total && status["face_templates"] as? Int == total && status["version"] as? Int == total, "\(status)")
        let uploadedBefore = try await upstream(node)["records_acknowledged"] as? Int ?? 0
        node.terminate()

        // Killed while uploading that backlog (500 records a batch): the upload resumes without gaps or repeats.
        node = try await start(post, upstream: hq.port, key: key, root: root)
        try await node.waitUntilReady()
        var acknowledged = 0
        #expect(try await time(within: .seconds(120)) {
            acknowledged = try await upstream(node)["records_acknowledged"] as? Int ?? 0
            return acknowledged > uploadedBefore
        } != nil)
        node.kill9()
        let postRecords = try #require(Int(try sqlite(post.database, "SELECT MAX(seq) FROM audit_record")))
        print("POST-C killed while uploading: \(acknowledged) of \(postRecords) records acknowledged (\(uploadedBefore) before this run)")
        #expect(acknowledged < postRecords, "the post was not killed in the middle of its upload")
        node = try await start(post, upstream: hq.port, key: key, root: root)
        try await node.waitUntilReady()
        #expect(try await time(within: .seconds(300)) { (try await upstream(node)["records_acknowledged"] as? Int ?? 0) >= postRecords } != nil)
        node.terminate()

        // One record changed at the post after it was written: headquarters refuses the upload and says which.
        #expect(try await CLI.run(["token", "create", "--role", "auditor", "--name", "late", "--db", post.database]).status == 0)
        let forged = try #require(Int(try sqlite(post.database, "SELECT MAX(seq) FROM audit_record")))
        _ = try sqlite(post.database, "UPDATE audit_record SET result = '{\"token_id\":\"000000000000\",\"role\":\"admin\"}' WHERE seq = \(forged)")
        node = try await start(post, upstream: hq.port, key: key, root: root)
        try await node.waitUntilReady()
        #expect(try await time(within: .seconds(60)) { try await upstream(node)["records_error"] as? String == "chain_broken" } != nil)
        let refused = try await upstream(node)
        #expect((refused["records_error_message"] as? String)?.contains("record \(forged) was altered") == true, "\(refused)")
        #expect(refused["records_acknowledged"] as? Int ?? 0 < forged)
        node.terminate()
        hq.terminate()

        let verified = try CLI.json(try await CLI.run(["audit", "verify", "--json"] + hqStore))
        let chain = try #require((verified["posts"] as? [[String: Any]])?.first?["verification"] as? [String: Any])
        #expect(chain["ok"] as? Bool == true && chain["records"] as? Int == forged - 1, "\(chain)")
    }
}
