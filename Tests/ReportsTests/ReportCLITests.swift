import Foundation
import Testing
import TestSupport

/// `assetcrawl crawl` with budgets and reports, and `assetcrawl diff`, run as the built binary.
@Suite("Reports and the CI gate from the command line", .serialized)
struct ReportCLITests {
    func crawl(_ extra: [String], environment: [String: String]? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await run(Repo.binary.path, ["crawl", "--serve", "Samples/FixtureSite"] + extra, environment: environment)
    }

    func write(_ text: String, _ name: String) throws -> URL {
        let file = temporaryFile(name)
        try Data(text.utf8).write(to: file)
        return file
    }

    @Test("the sample budget passes: exit 0, every report written")
    func samplePasses() async throws {
        let files = ["json", "junit", "har", "html", "dot"].map { ($0, temporaryFile("out.\($0)")) }
        defer { files.forEach { try? FileManager.default.removeItem(at: $0.1) } }
        let result = try await crawl(["--budget", "Samples/budget.json"] + files.flatMap { ["--\($0.0)", $0.1.path] })
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("checks: 92 passed, 0 failed, 0 warnings, 0 skipped"), "\(result.stdout)")
        for (_, file) in files { #expect(FileManager.default.fileExists(atPath: file.path)) }
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: files[0].1)) as? [String: Any])
        #expect((report["checks"] as? [String: Any])?["suites"] is [Any])
        for line in result.stdout.split(separator: "\n") { #expect(line.count <= 100, "\(line)") }
    }

    @Test("a check that fails: exit 1, the reports are still written, and say what to fix")
    func failingBudget() async throws {
        let budget = try write(#"{"version": 1, "pages": [{"match": "/blog/**", "maxFirstVisitBytes": "5 KB"}]}"#, "budget.json")
        let junit = temporaryFile("junit.xml")
        defer { [budget, junit].forEach { try? FileManager.default.removeItem(at: $0) } }
        let result = try await crawl(["--budget", budget.path, "--junit", junit.path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("FAIL /blog/ maxFirstVisitBytes: first visit of /blog/ is 7.1 KB, 2.1 KB over the budget of 5.0 KB"), "\(result.stdout)")
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("failures=\"3\""))
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test("a bad budget file: exit 2 before crawling, with the file, line and the fix", arguments: [
        ("{\n  \"version\": 1,\n  \"site\": {\n    \"noFullRevalidaton\": true\n  }\n}", ":4: \"noFullRevalidaton\" is not a key of \"site\"; did you mean \"noFullRevalidation\"?"),
        ("{\n  \"pages\": [\n    {\"match\": \"/**\", \"maxRequests\": -1}\n  ]\n}", ":3: \"maxRequests\" must be a whole number ≥ 0"),
        ("{\n  \"site\": {}\n  \"pages\": []\n}", ":3: expected ',' or '}'"),
    ])
    func badBudget(text: String, message: String) async throws {
        let budget = try write(text, "budget.json")
        defer { try? FileManager.default.removeItem(at: budget) }
        let result = try await crawl(["--budget", budget.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(budget.path + message), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "nothing was crawled")
    }

    @Test("colour only on a terminal, and never with NO_COLOR", .requires(.script))
    func colour() async throws {
        let budget = try write(#"{"version": 1, "site": {"maxRequests": 1}}"#, "budget.json")
        defer { try? FileManager.default.removeItem(at: budget) }
        let command = "\(Repo.binary.path) crawl --serve Samples/FixtureSite --budget \(budget.path)"
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm"
        environment.removeValue(forKey: "NO_COLOR")
        let tty = try await run("script", ["-qec", command, "/dev/null"], environment: environment)
        #expect(tty.stdout.contains("\u{1B}[31mFAIL site maxRequests"), "\(tty.stdout)")
        environment["NO_COLOR"] = "1"
        let noColor = try await run("script", ["-qec", command, "/dev/null"], environment: environment)
        #expect(noColor.stdout.contains("FAIL site maxRequests"))
        #expect(!noColor.stdout.contains("\u{1B}["))
        let piped = try await crawl(["--budget", budget.path])
        #expect(piped.status == 1 && !piped.stdout.contains("\u{1B}["))
    }

    @Test("baseline: crawl --baseline and diff pass against themselves and fail on a doctored baseline")
    func baseline() async throws {
        let old = temporaryFile("old.json"), doctored = temporaryFile("doctored.json"), diffJSON = temporaryFile("diff.json")
        defer { [old, doctored, diffJSON].forEach { try? FileManager.default.removeItem(at: $0) } }
        #expect(try await crawl(["--json", old.path]).status == 0)
        let same = try await crawl(["--baseline", old.path, "--max-growth", "5%"])
        #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
        #expect(same.stdout.contains("checks: 4 passed, 0 failed"))

        // A baseline in which /about.html was half the size and site.css answered 304 to If-None-Match
        // while it now... also answers 304; make the old one 304 and the new one (the file) FULL instead.
        var report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: old)) as? [String: Any])
        var pages = try #require(report["pages"] as? [[String: Any]])
        let about = try #require(pages.firstIndex { ($0["url"] as? String)?.hasSuffix("/about.html") == true })
        pages[about]["firstVisitBytes"] = (pages[about]["firstVisitBytes"] as! Int) / 2
        report["pages"] = pages
        var resources = try #require(report["resources"] as? [[String: Any]])
        resources.removeAll { ($0["url"] as? String)?.hasSuffix("/js/blog.js") == true }
        report["resources"] = resources
        try JSONSerialization.data(withJSONObject: report).write(to: doctored)

        let grown = try await crawl(["--baseline", doctored.path, "--max-growth", "5%"])
        #expect(grown.status == 1)
        #expect(grown.stdout.contains("FAIL baseline maxGrowth.pages"), "\(grown.stdout)")
        #expect(grown.stdout.contains("/about.html: 3.5 KB → 7.1 KB (+100.0%)") || grown.stdout.contains("/about.html:"))

        let diff = try await run(Repo.binary.path, ["diff", doctored.path, old.path, "--max-growth", "5%", "--json", diffJSON.path])
        #expect(diff.status == 1)
        #expect(diff.stdout.contains("assets added (1):\n  /js/blog.js"), "\(diff.stdout)")
        let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: diffJSON)) as? [String: Any])
        #expect((written["diff"] as? [String: Any])?["assetsAdded"] as? [String] == ["/js/blog.js"])
        let junit = temporaryFile("diff-junit.xml")
        defer { try? FileManager.default.removeItem(at: junit) }
        #expect(try await run(Repo.binary.path, ["diff", old.path, old.path, "--junit", junit.path]).status == 0)
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"baseline\"") && xml.contains("failures=\"0\""))

        let garbage = try await run(Repo.binary.path, ["diff", old.path, "Samples/budget.json"])
        #expect(garbage.status == 2)
        #expect(garbage.stderr.contains("not an assetcrawl JSON report"), "\(garbage.stderr)")
        #expect(try await run(Repo.binary.path, ["diff", old.path, "/nonexistent.json"]).status == 2)
    }

    @Test("diff of two real reports: two crawls over real HTTP of a site before and after a change, read back by the model that wrote them")
    func diffOfTwoCrawls() async throws {
        func html(_ script: String, filler: Int) -> String {
            "<!doctype html><html><head><link rel=stylesheet href=/a.css><script src=/\(script)></script></head>"
                + "<body><p>\(String(repeating: "x", count: filler))</p></body></html>"
        }
        let before = ["index.html": html("old.js", filler: 1000), "a.css": "p{color:red}", "old.js": "let a = 1", "robots.txt": "User-agent: *\n"]
        let after = ["index.html": html("new.js", filler: 2000), "a.css": "p{color:red}", "new.js": "let b = 2", "robots.txt": "User-agent: *\n"]
        let old = temporaryFile("before.json"), new = temporaryFile("after.json"), diffJSON = temporaryFile("diff.json")
        defer { [old, new, diffJSON].forEach { try? FileManager.default.removeItem(at: $0) } }
        for (files, report) in [(before, old), (after, new)] {
            try await withTemporarySite(files) { root in
                let crawl = try await run(Repo.binary.path, ["crawl", "--serve", root.path, "--json", report.path, "--quiet"])
                #expect(crawl.status == 0, "\(crawl.stderr)")
            }
        }
        let diff = try await run(Repo.binary.path, ["diff", old.path, new.path, "--max-growth", "10%", "--json", diffJSON.path])
        #expect(diff.status == 1, "the page grew by more than 10%: \(diff.stdout)")
        #expect(diff.stdout.contains("assets added (1):\n  /new.js"), "\(diff.stdout)")
        #expect(diff.stdout.contains("assets removed (1):\n  /old.js"), "\(diff.stdout)")
        let written = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: diffJSON)) as? [String: Any])
        let body = try #require(written["diff"] as? [String: Any])
        #expect(body["assetsAdded"] as? [String] == ["/new.js"])
        #expect(body["assetsRemoved"] as? [String] == ["/old.js"])
        let changes = try #require(body["pageChanges"] as? [[String: Any]])
        #expect(changes.map { $0["path"] as? String } == ["/"])
        let (oldBytes, newBytes) = (try #require(changes.first?["oldBytes"] as? Int), try #require(changes.first?["newBytes"] as? Int))
        #expect(newBytes - oldBytes >= 1000, "the page's body grew by 1,000 bytes: \(oldBytes) → \(newBytes)")
        // Against itself, either report passes.
        #expect(try await run(Repo.binary.path, ["diff", new.path, new.path, "--max-growth", "0%"]).status == 0)
    }

    @Test("the sample CI job's steps: assetcrawl serve in the background, crawl its URL with the sample budget")
    func sampleJob() async throws {
        let server = Process()
        server.executableURL = Repo.binary
        server.arguments = ["serve", "Samples/FixtureSite", "--host", "127.0.0.1", "--port", "0", "--log-level", "warning"]
        server.currentDirectoryURL = Repo.root
        let out = Pipe()
        server.standardOutput = out
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        // "serving /…/Samples/FixtureSite at http://127.0.0.1:PORT/"
        var line = ""
        while !line.contains("\n") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += String(decoding: chunk, as: UTF8.self)
        }
        let url = try #require(line.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }, "\(line)")
        #expect(url.hasPrefix("http://127.0.0.1:"), "\(line)")
        let crawl = try await run(Repo.binary.path, ["crawl", url, "--budget", "Samples/budget.json"])
        #expect(crawl.status == 0, "\(crawl.stdout)\(crawl.stderr)")
        #expect(crawl.stdout.contains("0 failed"))
    }
}
