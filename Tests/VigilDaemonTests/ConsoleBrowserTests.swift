import Foundation
import Testing
import VigilScreening
import VigilStorage
import VigilTestSupport

/// The officer's console, used the way officers use it: a real headless
/// Chromium driven through WebDriver against a real daemon on loopback,
/// with real photos. Each test writes screenshots of the pages it visits
/// under `.build/console-screenshots/` for a person to look at.
@Suite("The officer's console in a real browser", .serialized, .enabled(if: TestData.shouldRunDataTests))
struct ConsoleBrowserTests {
    /// A daemon and a browser for one test; both stop when it ends.
    func withConsole(importRoot: String? = nil, _ body: @Sendable (ScreeningService, RoleTokens, ConsolePage) async throws -> Void) async throws {
        let (service, daemon, tokens) = try await makeDaemon(importRoot: importRoot)
        try await daemon.test { client in
            let browser = try await WebDriver()
            do {
                try await body(service, tokens, ConsolePage(browser: browser, base: "http://127.0.0.1:\(client.port)"))
            } catch {
                try? await browser.screenshot("failure-\(UUID().uuidString.prefix(8))")
                await browser.quit()
                throw error
            }
            await browser.quit()
        }
    }

    @Test("an administrator enrols a person with two photos and sees them in the list; a name that is markup shows as text")
    func administratorEnrols() async throws {
        try await withConsole { _, tokens, page in
            let person = try TestData.identities("lfw10")[0]
            try await page.signIn(tokens.secrets[.admin]!)
            try await page.browser.element("#entries")
            try await page.go("#/enrol")
            try await page.browser.type("#enrol-name", person.identity)
            try await page.select("#enrol-category", "wanted_other")
            try await page.browser.type("#enrol-photos", person.files.prefix(2).map { TestData.url($0).path }.joined(separator: "\n"))
            // And a fingerprint template by position.
            try await page.browser.click("#enrol-form .add-finger")
            try await page.select("#enrol-form .finger-position", "right_index")
            try await page.browser.type("#enrol-form .finger-file", TestData.url("fingerprints/FVC2002/DB1_B/101_1.iso").path)
            try await page.browser.click("#enrol-form button[type=submit]")
            try await page.browser.waitForText("#enrol-status", containing: "2 face(s) and 1 finger(s)")
            try await page.browser.screenshot("admin-enrolled")

            // Script in a name is data: enrolled, listed and shown as the characters it is.
            let markup = "<img src=x onerror=\"document.title='pwned'\">"
            try await page.browser.type("#enrol-name", markup)
            try await page.browser.type("#enrol-photos", TestData.url(person.files[2]).path)
            try await page.browser.click("#enrol-form button[type=submit]")
            try await page.browser.waitForText("#enrol-status", containing: "1 face(s) and 0 finger(s)")

            try await page.go("#/watchlist")
            let listed = try await page.browser.waitForText("#entries", containing: person.identity)
            #expect(listed.contains(markup))
            let images = try await page.browser.script("return document.querySelectorAll('#entries img').length") as? Int
            #expect(images == 0)
            #expect(try await page.browser.script("return document.title") as? String == "Vigil")
            try await page.browser.screenshot("admin-watchlist")

            // The list filters by name on the server.
            try await page.browser.type("#filter-text", String(person.identity.prefix(6)))
            try await page.browser.click("#filters button[type=submit]")
            try await page.waitForRows("#entries tr", count: 1)
        }
    }

    @Test("an administrator imports a manifest with a live progress bar and its line-by-line report, reads an entry's history and sees duplicates")
    func administratorImports() async throws {
        let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigil-console-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let people = try TestData.identities("lfw10")
        // Lines 1-3 are three people; line 4 the first person again under another reference (a duplicate); line 5 a dog.
        var lines: [String] = []
        for (n, file) in [people[3].files[0], people[4].files[0], people[5].files[0], people[3].files[1], "faces/scenes/dogs.jpg"].enumerated() {
            try FileManager.default.copyItem(at: TestData.url(file), to: root.appendingPathComponent("p\(n).jpg"))
            lines.append("{\"external_ref\": \"C-\(n)\", \"name\": \"Person \(n)\", \"category\": \"wanted_other\", \"faces\": [\"p\(n).jpg\"]}")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent("batch.jsonl"), atomically: true, encoding: .utf8)
        try await withConsole(importRoot: root.path) { _, tokens, page in
            try await page.signIn(tokens.secrets[.admin]!)
            // A page still waiting for its data when the officer moves on
            // must not replace the page they moved to: the watchlist's
            // categories are held back until the import page is up. Once
            // they are answered, the watchlist's continuation has run (it
            // is a microtask of the same task) before the check below.
            _ = try await page.browser.script("""
                window.heldGet = Api.get;
                Api.get = (path) => path.startsWith('/v1/watchlist/categories')
                  ? new Promise((resolve) => setTimeout(resolve, 1500)).then(() => window.heldGet.call(Api, path))
                      .finally(() => { window.heldAnswered = true; })
                  : window.heldGet.call(Api, path);
                """)
            try await page.go("#/watchlist?offset=0")
            try await page.go("#/import")
            try await page.browser.element("#import-manifest")
            try await page.waitUntil("the held categories answered", "return window.heldAnswered === true")
            #expect(try await page.browser.script("return document.querySelector('#import-manifest') !== null && document.querySelector('#entries') === null") as? Bool == true)
            _ = try await page.browser.script("Api.get = window.heldGet")
            try await page.browser.type("#import-manifest", "batch.jsonl")
            try await page.browser.click("#import-form button[type=submit]")
            try await page.browser.waitForText("#import-report", containing: "4 of 5 lines imported")
            let report = try await page.browser.text("#import-report")
            #expect(report.contains("Line 5 refused (no_face_found)"), "\(report)")
            #expect(try await page.browser.script("return document.querySelector('#import-progress').value") as? Int == 5)
            try await page.browser.screenshot("admin-import")

            try await page.go("#/watchlist?q=C-0")
            try await page.waitForRows("#entries tr", count: 1)
            try await page.browser.click("#entries a")
            try await page.browser.waitForText("#history", containing: "Enrolled")
            // Samples are added and removed from the entry's page, and the history says so.
            try await page.browser.type("#add-photos", TestData.url(people[3].files[2]).path)
            try await page.browser.click("#add-photos + button")
            try await page.waitForRows("#entry .samples li", count: 2)
            try await page.browser.waitForText("#history", containing: "Samples added")
            try await page.browser.click("#entry .samples li:first-child button")
            try await page.waitForRows("#entry .samples li", count: 1)
            try await page.browser.waitForText("#history", containing: "Sample removed")
            // Details are edited in place; only what changed is sent.
            _ = try await page.browser.script("document.querySelector('#edit-name').value = ''")
            try await page.browser.type("#edit-name", "Person Zero")
            try await page.browser.click("#edit-form button[type=submit]")
            try await page.browser.waitForText("#history", containing: "Details changed")
            try await page.browser.waitForText("#entry .facts-list", containing: "Person Zero")
            try await page.browser.screenshot("admin-entry")

            try await page.go("#/duplicates")
            try await page.waitForRows("#duplicates tbody tr", count: 1)
            try await page.browser.screenshot("admin-duplicates")
        }
    }

    @Test("a post screens a mated photo, sees the watchlist photo and the action, and two different officers confirm")
    func postAdjudicates() async throws {
        try await withConsole { service, tokens, page in
            let person = try TestData.identities("lfw10")[1]
            let entry = try await service.enroll(name: person.identity, category: "wanted_trafficking",
                                                 faces: [try TestData.bytes(person.files[0])]).id
            try await page.signIn(tokens.secrets[.post]!, officer: "OFF-101")
            try await page.browser.type("#face-file", TestData.url(person.files[1]).path)
            try await page.browser.click("#screen-button")
            try await page.browser.waitForText("#decision", containing: "Candidate found")
            let card = ".candidate[data-entry='\(entry.uuidString)']"
            try await page.browser.element("\(card) img.reference")
            try await page.waitUntil("the watchlist photo loaded", "return document.querySelector(\"\(card) img.reference\").naturalWidth > 0")
            let text = try await page.browser.text(card)
            #expect(text.contains(person.identity) && text.contains("trafficking"), "\(text)")
            #expect(text.contains("2 different officers"))
            try await page.browser.screenshot("post-candidate")

            // Every view of the photo is an audit record naming the post's token and the entry.
            let views = try await service.auditRecords(from: 1, to: .max, actor: nil, action: AuditAction.photoView, limit: 10)
            #expect(views.count == 1 && views[0].context.contains(entry.uuidString))

            try await page.browser.click("\(card) button.adjudicate.confirmed")
            try await page.browser.waitForText("\(card) .adjudication .state", containing: "a second officer must confirm")
            // The same officer cannot be the second.
            try await page.browser.click("\(card) button.adjudicate.confirmed")
            try await page.browser.waitForText("\(card) .adjudication .status", containing: "already_adjudicated")
            try await page.browser.screenshot("post-first-confirmation")

            try await page.signOut()
            try await page.signIn(tokens.secrets[.post]!, officer: "OFF-202")
            try await page.go("#/queue")
            try await page.browser.click("#queue a")
            try await page.browser.click("\(card) button.adjudicate.confirmed")
            try await page.browser.waitForText("\(card) .adjudication .state", containing: "Confirmed")
            let decisions = try await page.browser.text("\(card) .decisions")
            #expect(decisions.contains("OFF-101") && decisions.contains("OFF-202"), "\(decisions)")
            // Each sign-in is in the audit log with its officer.
            let signIns = try await service.auditRecords(from: 1, to: .max, actor: nil, action: AuditAction.consoleSignIn, limit: 10)
            #expect(signIns.map(\.context).joined().contains("OFF-101") && signIns.map(\.context).joined().contains("OFF-202"))
            try await page.browser.screenshot("post-confirmed")
        }
    }

    @Test("a protective hit leads with the protection action and shows no name; an unusable photo asks for a recapture")
    func protectiveHitAndRecapture() async throws {
        try await withConsole { service, tokens, page in
            let person = try TestData.identities("lfw10")[2]
            _ = try await service.enroll(name: person.identity, category: "missing_person", faces: [try TestData.bytes(person.files[0])])
            try await page.signIn(tokens.secrets[.post]!, officer: "OFF-303")
            try await page.browser.type("#face-file", TestData.url(person.files[1]).path)
            try await page.browser.click("#screen-button")
            let card = try await page.browser.text(".candidate.protective")
            #expect(card.hasPrefix("Protective alert") || card.contains("Protective alert"), "\(card)")
            #expect(!card.contains(person.identity), "a protective hit showed the name: \(card)")
            #expect(try await page.browser.script("return document.querySelectorAll('.candidate.protective .name').length") as? Int == 0)
            // The protection banner and action come before anything else in the card's facts.
            let order = try await page.browser.script("""
                const facts = document.querySelector('.candidate.protective .facts');
                return [...facts.children].map(e => e.className).slice(0, 2).join(',');
                """) as? String
            #expect(order == "protection-banner,action", "\(order ?? "")")
            try await page.browser.screenshot("post-protective")

            try await page.browser.type("#face-file", TestData.url("faces/scenes/dogs.jpg").path)
            try await page.browser.click("#screen-button")
            try await page.browser.waitForText("#recapture", containing: "No face found")
            try await page.browser.screenshot("post-recapture")

            // The workstation's camera (Chromium's fake device: a test pattern, no face).
            try await page.browser.click("#camera-button")
            try await page.waitUntil("the camera's first frame", "return document.querySelector('#camera').videoWidth > 0")
            try await page.browser.click("#take-photo")
            try await page.waitUntil("the photo taken", "return document.querySelector('#take-photo').hidden")
            try await page.browser.click("#screen-button")
            // A third screening, this one from the camera's frame, asked for a recapture.
            var recorded: [AuditRecord] = []
            for _ in 0..<400 where recorded.count < 3 {
                recorded = try await service.auditRecords(from: 1, to: .max, actor: nil, action: AuditAction.screening, limit: 10)
                try await Task.sleep(for: .milliseconds(150))
            }
            #expect(recorded.count == 3 && recorded.last?.outcome == "recapture_required", "\(recorded.map(\.outcome))")
            try await page.browser.waitForText("#decision", containing: "not usable")
        }
    }

    @Test("an auditor verifies the chain; the server refuses a post's session on admin routes and a request without its CSRF secret")
    func auditorAndRefusals() async throws {
        try await withConsole { _, tokens, page in
            try await page.signIn(tokens.secrets[.auditor]!)
            try await page.browser.click("#verify")
            try await page.browser.waitForText("#audit-outcome", containing: "ok")
            try await page.browser.screenshot("auditor-verified")
            try await page.signOut()

            try await page.signIn(tokens.secrets[.post]!, officer: "OFF-404")
            // Whatever the page shows, the server answers by role...
            let admin = try await page.fetchStatus("/v1/watchlist/entries")
            #expect(admin == 403)
            try await page.go("#/watchlist")   // not a post page: the console goes back to the desk
            try await page.browser.element("#screen-form")
            // ...and a state-changing request without the session's CSRF secret is refused.
            let forged = try await page.fetchStatus("/v1/screenings/\(UUID().uuidString)/adjudications", method: "POST",
                                                    body: "{\"outcome\":\"confirmed\"}", csrf: false)
            #expect(forged == 403)
            let withSecret = try await page.fetchStatus("/v1/screenings/\(UUID().uuidString)/adjudications", method: "POST",
                                                        body: "{\"outcome\":\"confirmed\"}", csrf: true)
            #expect(withSecret == 404)   // past the CSRF check: no such screening of this post
            // The session cookie is out of the page's reach.
            #expect(try await page.browser.script("return document.cookie") as? String == "")
            try await page.signOut()
            #expect(try await page.fetchStatus("/v1/screenings") == 401)
        }
    }

    @Test("the Urdu console is laid out right to left, with every string from the Urdu catalogue")
    func urdu() async throws {
        try await withConsole { _, tokens, page in
            try await page.browser.open(page.base + "/console/")
            try await page.browser.element("#token")
            try await page.select("#language", "ur")
            try await page.waitUntil("right-to-left layout", "return document.documentElement.dir === 'rtl' && document.documentElement.lang === 'ur'")
            #expect(try await page.browser.text("h1") == "سائن اِن")
            try await page.signIn(tokens.secrets[.post]!, officer: "OFF-505")
            #expect(try await page.browser.text("h1") == "اسکریننگ ڈیسک")
            try await page.browser.screenshot("post-desk-urdu")
            try await page.select("#language", "en")
            try await page.waitUntil("left-to-right layout", "return document.documentElement.dir === 'ltr'")
        }
    }
}

/// The console's pages as the tests drive them.
struct ConsolePage: @unchecked Sendable {
    let browser: WebDriver
    let base: String

    func go(_ hash: String) async throws {
        _ = try await browser.script("location.hash = arguments[0]", [hash])
    }

    func signIn(_ token: String, officer: String? = nil) async throws {
        try await browser.open(base + "/console/")
        try await browser.type("#token", token)
        if let officer { try await browser.type("#officer", officer) }
        try await browser.click("#sign-in button[type=submit]")
        try await browser.element("#nav a")
    }

    func signOut() async throws {
        try await browser.click("#sign-out")
        try await browser.element("#token")
    }

    func select(_ css: String, _ value: String) async throws {
        _ = try await browser.script("""
            const select = document.querySelector(arguments[0]);
            select.value = arguments[1];
            select.dispatchEvent(new Event('change'));
            """, [css, value])
    }

    func waitUntil(_ what: String, _ condition: String, timeout: Duration = WebDriver.patience) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await browser.script(condition) as? Bool != true {
            guard ContinuousClock.now < deadline else { throw WebDriver.Failure.timedOut(what) }
            try await Task.sleep(for: .milliseconds(150))
        }
    }

    func waitForRows(_ css: String, count: Int) async throws {
        try await waitUntil("\(count) rows", "return document.querySelectorAll('\(css)').length === \(count)")
    }

    /// The status of a request the page itself makes with its session cookie.
    func fetchStatus(_ path: String, method: String = "GET", body: String? = nil, csrf: Bool = false) async throws -> Int {
        let status = try await browser.asyncScript("""
            const [path, method, body, csrf, done] = arguments;
            const headers = { 'Content-Type': 'application/json' };
            if (csrf) headers['X-CSRF-Token'] = Api.session.csrf;
            fetch(path, { method, headers, body: body ?? undefined, credentials: 'same-origin' })
              .then(r => done(r.status), () => done(-1));
            """, [path, method, body as Any? ?? NSNull(), csrf])
        return status as? Int ?? -1
    }
}
