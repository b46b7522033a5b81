@testable import AssetCrawlCLI
import AsyncHTTPClient
import Audit
import Crawler
import CrawlModel
import CrawlStore
import Fetching
import FixtureServer
import Foundation
import Reports
import Testing
import TestSupport

/// Issue 12's bounds: walks that keep their URLs on disk, baselines read streaming, and what a
/// resumed crawl restores (query-variant counts) or refuses (crawl flags it would ignore).
@Suite("Store bounds and resume details")
struct StoreBoundsTests {
    func temporary(_ ext: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("bounds-\(UUID().uuidString).\(ext)")
    }

    @Test("distinct keys moved to a scratch file answer as in memory: inserts, lookups and the count across the move")
    func scratchKeys() {
        let disk = ScratchKeys(memoryLimit: 10), memory = InMemoryKeys()
        for i in 0..<500 {
            let key = "http://a.invalid/\(i % 300)"
            #expect(disk.insert(key) == memory.insert(key), "\(key)")
        }
        #expect(disk.count == 300 && memory.count == 300)
        for i in 250..<350 {
            #expect(disk.contains("http://a.invalid/\(i)") == (i < 300))
        }
    }

    @Test("with every walk's URLs on disk, the streamed JSON, HAR and DOT are still the in-memory bytes", arguments: [0, 5])
    func walksOnDisk(keysInMemory: Int) async throws {
        try await withStoredCrawl { store, result in
            let json = temporary("json"), har = temporary("har"), dot = temporary("dot")
            defer { for f in [json, har, dot] { try? FileManager.default.removeItem(at: f) } }
            let reader = try StoreReader(path: store.path)
            reader.keysInMemory = keysInMemory
            #expect(try reader.pageCount > 5)
            var summary = CrawlSummary(startURLs: result.startURLs, stopReason: result.stopReason)
            try writing(to: json) { handle in
                summary.site = try JSONReport.stream(reader, to: handle, onPage: { summary.add($0) }, onResource: { summary.add($0) })
            }
            let audits = SiteAudit.pages(result)
            #expect(try Data(contentsOf: json) == (try JSONReport(result: result, audits: audits).encoded()))
            #expect(summary.site == Bandwidth.site(result))
            let started = Date(timeIntervalSince1970: 1_700_000_000)
            try writing(to: har) { try HARReport.stream(reader, to: $0, startedAt: started) }
            #expect(try Data(contentsOf: har) == (try HARReport.render(result: result, startedAt: started)))
            try DOTReport.stream(reader, to: dot)
            #expect(try String(contentsOf: dot, encoding: .utf8) == DOTReport.render(result: result))
        }
    }

    @Test("a baseline read streaming is the report decoded whole (pretty or compact), and a cut or foreign file says what is wrong")
    func streamedBaseline() async throws {
        try await withStoredCrawl { store, result in
            let pretty = temporary("json"), compact = temporary("json"), cut = temporary("json"), bad = temporary("json")
            defer { for f in [pretty, compact, cut, bad] { try? FileManager.default.removeItem(at: f) } }
            let report = try JSONReport(result: result, audits: SiteAudit.pages(result)).encoded()
            try report.write(to: pretty)
            // Compact, keys in another order, strings with escapes and brackets: what other tools write.
            var object = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])
            object["note"] = "a \"quoted\" [bracket] {brace} \\ string"
            try JSONSerialization.data(withJSONObject: object).write(to: compact)
            let whole = ReportSnapshot(try JSONReport.decode(report))
            #expect(whole.pages.count == result.pages.count && whole.resources.count == result.resources.count)
            #expect(try ReportSnapshot.read(contentsOf: pretty.path) == whole)
            #expect(try ReportSnapshot.read(contentsOf: compact.path) == whole)

            try report.prefix(report.count / 2).write(to: cut)
            #expect { try ReportSnapshot.read(contentsOf: cut.path) } throws: { "\($0)".contains("ends inside") }
            var broken = object
            var pages = try #require(broken["pages"] as? [[String: Any]])
            pages[1].removeValue(forKey: "firstVisitBytes")
            broken["pages"] = pages
            try JSONSerialization.data(withJSONObject: broken).write(to: bad)
            #expect { try ReportSnapshot.read(contentsOf: bad.path) } throws: { "\($0)".contains("pages[1].firstVisitBytes is missing") }
            try Data("[1, 2]".utf8).write(to: bad)
            #expect { try ReportSnapshot.read(contentsOf: bad.path) } throws: { "\($0)".contains("not a JSON object") }
        }
    }

    @Test("a resumed crawl keeps counting query strings per path: --max-query-variants holds across the resume")
    func queryVariantsAcrossResume() async throws {
        // The start page links to 4 query strings of one path and to a page with 6 more: 5 are allowed.
        let site = [
            "index.html": page(links: (0..<4).map { "/cal.html?day=\($0)" } + ["/more.html"]),
            "more.html": page(links: (4..<10).map { "/cal.html?day=\($0)" }),
            "cal.html": page(),
        ]
        try await serve(site) { base in
            var configuration = CrawlConfiguration(startURLs: [base])
            configuration.concurrency = 1
            configuration.respectRobots = false
            configuration.traps.maxQueryVariants = 5
            let full = try await crawl([base]) { $0 = configuration }
            #expect(full.pages.filter { $0.url.contains("?day=") }.count == 5)

            let store = try SQLiteCrawlStore.temporary()
            defer { store.close() }
            try await HTTPClient.withHTTPClient(configuration: HTTPClientFetcher.clientConfiguration()) { client in
                let http = HTTPClientFetcher(client: client)
                // Stopped (as Ctrl-C would) once the start page's links are stored, before more.html is read.
                let task = LockedBox<Task<StopReason?, any Error>?>(nil)
                let stopping = CountingFetcher(base: http, counts: LockedBox([:])) { n in if n == 2 { task.value?.cancel() } }
                let crawler = Crawler(fetcher: stopping, configuration: configuration)
                task.value = Task { try await crawler.run(store: store) }
                let stopped = try await task.value!.value
                #expect(stopped?.code == "interrupted")
                let counts = try await store.queryVariants()
                #expect(counts == [base.appending("cal.html").absoluteString: 4])
                let reason = try await Crawler(fetcher: http, configuration: configuration).run(store: store, resume: true)
                #expect(reason == nil)
            }
            let resumed = try await store.loadResult()
            #expect(resumed.pages.filter { $0.url.contains("?day=") }.count == 5)
            #expect(CrawlDigest(resumed) == CrawlDigest(full))
        }
    }

    @Test("every crawl option's name as --resume words it (the flags it would ignore) is a flag crawl --help lists; output and secret flags are not named")
    func resumeFlagNames() throws {
        let help = CrawlCommand.helpMessage(columns: 400)
        for child in Mirror(reflecting: try CrawlOptions.parse([])).children {
            let flag = CrawlOptions.flagName(try #require(child.label))
            #expect(help.contains(flag + " ") || help.contains(flag + "\n"), "\(flag)")
        }
        #expect(CrawlOptions.flagName("_maxURLLength") == "--max-url-length")
        let given = try CrawlOptions.parse(["--max-pages", "5", "--ignore-robots", "--quiet", "--header", "X-A: b", "--concurrency", "16"])
        #expect(given.flagsGiven() == ["--max-pages", "--ignore-robots"], "--concurrency 16 is the default: nothing ignored")
    }
}
