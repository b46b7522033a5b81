import CrawlStore
import FixtureServer
import Foundation
import Testing
import TestSupport

@Suite("Resume after SIGKILL")
struct ResumeTests {
    /// A crawl process killed once it has stored `killAfter` resources.
    @Test("a crawl killed with SIGKILL and resumed with --resume writes the same JSON, HTML, JUnit and DOT reports as an uninterrupted crawl",
          arguments: [10, 80, 180])
    func killAndResume(killAfter: Int) async throws {
        try await withTemporarySite(generatedSite(pages: 100)) { root in
            try await FixtureServer.withFixtureServer(root: root) { base in
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-resume-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: dir) }
                let full = dir.appendingPathComponent("full.json").path
                let resumed = dir.appendingPathComponent("resumed.json").path
                let store = dir.appendingPathComponent("crawl.sqlite").path
                let options = ["--concurrency", "2", "--quiet"]

                let others = ["html", "junit", "dot"]
                func reports(_ prefix: String) -> [String] { others.flatMap { ["--\($0)", dir.appendingPathComponent("\(prefix).\($0)").path] } }
                let uninterrupted = try await runCLI(["crawl", base.absoluteString, "--json", full] + reports("full") + options)
                #expect(uninterrupted.status == 0, "\(uninterrupted.stderr)")

                let process = Process()
                process.executableURL = Repo.binary
                process.arguments = ["crawl", base.absoluteString, "--store", store] + options
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                // Polled from the store itself (bounded: 60 s), not guessed with a sleep.
                let deadline = Date().addingTimeInterval(60)
                while process.isRunning, Date() < deadline, (SQLiteCrawlStore.storedResources(atPath: store) ?? 0) < killAfter {
                    usleep(2_000)
                }
                let stored = SQLiteCrawlStore.storedResources(atPath: store) ?? 0
                try #require(process.isRunning, "the crawl ended before \(killAfter) resources were stored (\(stored))")
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                #expect(process.terminationReason == .uncaughtSignal)
                #expect(stored >= killAfter)

                let report = try await runCLI(["report", store, "--json", dir.appendingPathComponent("partial.json").path])
                #expect(report.status == 0, "\(report.stderr)")
                // Unless the kill came after the last fetch was stored, the report says the crawl did not finish.
                let storedCrawl = try await SQLiteCrawlStore(path: store).crawl()
                if storedCrawl?.stopReason != nil {
                    #expect(report.stdout.contains("stopped early: not finished"), "\(report.stdout)")
                }

                let resume = try await runCLI(["crawl", "--resume", store, "--json", resumed] + reports("resumed"))
                #expect(resume.status == 0, "\(resume.stderr)")
                let expected = try String(contentsOfFile: full, encoding: .utf8)
                let actual = try String(contentsOfFile: resumed, encoding: .utf8)
                let a = actual.split(separator: "\n"), e = expected.split(separator: "\n")
                let line = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                #expect(line == nil && a.count == e.count, "first difference at line \(line.map { $0 + 1 } ?? min(a.count, e.count)): \(line.map { "\(e[$0]) → \(a[$0])" } ?? "length")")
                #expect(!actual.contains("\"stopReason\""), "a resumed crawl that completed has no stopReason")
                for format in others {
                    let a = try String(contentsOf: dir.appendingPathComponent("resumed.\(format)"), encoding: .utf8)
                    #expect(a == (try String(contentsOf: dir.appendingPathComponent("full.\(format)"), encoding: .utf8)), "\(format)")
                }
            }
        }
    }

    @Test("--resume refuses a missing file, a file that is no store, extra start URLs and crawl flags it would ignore, saying what to type")
    func resumeErrors() async throws {
        let text = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-store-\(UUID().uuidString).json")
        try Data(String(repeating: "{\"not\": \"a store\"}\n", count: 20).utf8).write(to: text)
        defer { try? FileManager.default.removeItem(at: text) }
        let missing = try await runCLI(["crawl", "--resume", "/nonexistent/crawl.sqlite"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such store"), "\(missing.stderr)")
        let both = try await runCLI(["crawl", "http://127.0.0.1:1/", "--resume", "/nonexistent/crawl.sqlite"])
        #expect(both.status == 2)
        #expect(both.stderr.contains("give it alone"), "\(both.stderr)")
        let extra = try await runCLI(["crawl", "--resume", "/nonexistent/crawl.sqlite", "--max-pages", "5", "--concurrency", "2",
                                      "--quiet", "--json", "/tmp/x.json"])
        #expect(extra.status == 2)
        #expect(extra.stderr.contains("--max-pages, --concurrency would be ignored"), "\(extra.stderr)")
        #expect(extra.stderr.contains("reads the crawl's options from /nonexistent/crawl.sqlite"), "\(extra.stderr)")
        let own = try await runCLI(["crawl", "--resume", "/nonexistent/crawl.sqlite", "--verbose", "--header", "X-A: b"])
        #expect(own.stderr.contains("no such store"), "output and secret flags are the resumed run's own: \(own.stderr)")
        let notStore = try await runCLI(["report", text.path])
        #expect(notStore.status == 2)
        #expect(notStore.stderr.contains("is not a crawl store"), "\(notStore.stderr)")
    }
}
