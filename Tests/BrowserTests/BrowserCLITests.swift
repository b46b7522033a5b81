import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
import TestSupport

/// `assetcrawl crawl --browser` as a user runs it: the built binary, real Chromium.
@Suite("crawl --browser on the command line", .serialized)
struct BrowserCLITests {
    @Test("without Chromium on PATH: exit 2 and a line saying apt-get install chromium, before any crawl")
    func chromiumMissing() async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = "/nonexistent-assetcrawl-test"
        let run = try await runProcess(RepoPaths.binary, ["crawl", "--serve", "Samples/FixtureSite", "--browser", "--quiet"],
                                 environment: environment)
        #expect(run.status == 2)
        #expect(run.stderr.contains("apt-get install chromium"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stdout.isEmpty, "nothing was crawled")
    }

    @Test("a bad --viewport says what to type instead")
    func badViewport() async throws {
        let run = try await runProcess(RepoPaths.binary, ["crawl", "--serve", "Samples/FixtureSite", "--browser", "--viewport", "1280"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--viewport 1280x800@1"), "\(run.stderr)")
    }

    @Test("the JSON report has pages[].browser for every page, valid against the schema, and the HTML report its section",
          .requires(.chromium))
    func reports() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("report.json"), html = dir.appendingPathComponent("report.html")
        let run = try await runProcess(RepoPaths.binary, ["crawl", "--serve", "Samples/FixtureSite", "--browser", "--quiet",
                                                    "--json", json.path, "--html", html.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("in Chromium: 12 pages"), "\(run.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        let pages = try #require(report["pages"] as? [[String: Any]])
        #expect(pages.count == 12)
        for page in pages {
            let browser = try #require(page["browser"] as? [String: Any], "\(page["url"] ?? "?")")
            #expect((browser["firstVisitBytes"] as? Int ?? 0) > 0)
            #expect(browser["incomplete"] is NSNull, "\(page["url"] ?? "?"): \(browser["incomplete"] ?? "")")
            let requests = try #require(browser["requests"] as? [[String: Any]])
            #expect(requests.contains { $0["url"] as? String == page["url"] as? String && $0["resourceType"] as? String == "Document" })
        }
        let home = try #require(pages.first { ($0["url"] as? String)?.hasSuffix("/") == true })
        let onlyStatic = try #require((home["browser"] as? [String: Any])?["onlyStatic"] as? [String])
        // At DPR 1 Chromium takes the 1x logo, never the 2x candidate the static crawl fetched.
        #expect(onlyStatic.contains { $0.hasSuffix("/img/logo@2x.png") }, "\(onlyStatic)")
        // Python's jsonschema is another outside tool (.ci/run installs it): checked when present, required under CI.
        let hasJSONSchema = (try? await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import jsonschema"]))?.status == 0
        if ProcessInfo.processInfo.environment["CI"] != nil || hasJSONSchema {
            let check = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
                import json, sys, jsonschema
                schema = json.load(open(sys.argv[1]))
                jsonschema.Draft202012Validator(schema).validate(json.load(open(sys.argv[2])))
                """, RepoPaths.root.appendingPathComponent("Schemas/report.schema.json").path, json.path])
            #expect(check.status == 0, "\(check.stderr)")
        }
        let page = try String(contentsOf: html, encoding: .utf8)
        #expect(page.contains("<h2 id=\"browser\">In headless Chromium</h2>"))
    }

    @Test("Ctrl-C during the browser pass: Chromium stopped, its profile removed, the reports written, exit 130",
          .requires(.chromium))
    func interrupted() async throws {
        let busy = "<!doctype html><html><body><script>setInterval(function () { fetch('/p.txt?' + Math.random()); }, 100);</script></body></html>"
        try await withTemporarySite(["index.html": busy, "p.txt": "p"]) { root in
            let tmp = root.appendingPathComponent("tmp")
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
            let json = root.appendingPathComponent("report.json")
            var environment = ProcessInfo.processInfo.environment
            environment["TMPDIR"] = tmp.path
            let process = Process()
            process.executableURL = RepoPaths.binary
            process.arguments = ["crawl", "--serve", root.path, "--exclude", "p\\.txt", "--browser", "--browser-timeout", "120",
                                 "--quiet", "--json", json.path]
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Wait (at most 60 s) until Chromium runs with its profile in our TMPDIR, then interrupt.
            func profiles() -> [String] {
                ((try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []).filter { $0.hasPrefix("assetcrawl-chromium-") }
            }
            let deadline = ContinuousClock.now + .seconds(60)
            while profiles().isEmpty, process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!profiles().isEmpty, "Chromium started")
            try await Task.sleep(for: .seconds(2))
            kill(process.processIdentifier, SIGINT)
            let stop = ContinuousClock.now + .seconds(30)
            while process.isRunning, ContinuousClock.now < stop { try await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            #expect(process.terminationStatus == 130)
            #expect(profiles().isEmpty, "the profile folder is removed")
            let left = try await runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["pgrep", "-f", "--", "--user-data-dir=\(tmp.path)"])
            #expect(left.stdout.isEmpty, "no Chromium left running: \(left.stdout)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
            let page = try #require((report["pages"] as? [[String: Any]])?.first)
            let browser = try #require(page["browser"] as? [String: Any])
            // "interrupted" when its load had begun, "interrupted before this page" when Ctrl-C
            // came while Chromium was still being set up (on a loaded machine, 2 s is not much).
            #expect((browser["incomplete"] as? String)?.hasPrefix("interrupted") == true, "\(browser["incomplete"] ?? "nil")")
        }
    }
}
