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

/// Every report format streamed from a store (budget suites spooled, HTML from a digest, DOT
/// sorted in scratch tables) against the in-memory rendering of the same crawl.
/// Crawls the fixture site over real HTTP into a temporary store and runs `body` with it and its in-memory result.
func withStoredCrawl(_ body: (SQLiteCrawlStore, CrawlResult) async throws -> Void) async throws {
    try await FixtureServer.withFixtureServer(root: RepoPaths.fixtureSite) { base in
        let store = try SQLiteCrawlStore.temporary()
        defer { store.close() }
        try await HTTPClient.withHTTPClient(configuration: HTTPClientFetcher.clientConfiguration()) { client in
            var configuration = CrawlConfiguration(startURLs: [base])
            configuration.concurrency = 4
            _ = try await Crawler(fetcher: HTTPClientFetcher(client: client), configuration: configuration).run(store: store)
        }
        try await body(store, try await store.loadResult())
    }
}

@Suite("Reports streamed from a store")
struct StreamedReportsTests {

    func file(_ ext: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("streamed-\(UUID().uuidString).\(ext)")
    }

    @Test("sample budget: JUnit, JSON with checks, HTML, DOT and the summary's checks are the in-memory bytes")
    func everyFormat() async throws {
        let budget = try Budget.decode(Array(Data(contentsOf: RepoPaths.root.appendingPathComponent("Samples/budget.json"))))
        try await withStoredCrawl { store, result in
            let reader = try StoreReader(path: store.path)
            var summary = CrawlSummary(startURLs: reader.startURLs, stopReason: reader.stopReason)
            let pass = try ChecksPass.run(reader, budget: budget, html: true, snapshot: true, summary: &summary)
            let outcome = budget.evaluate(result)
            let audits = SiteAudit.pages(result)
            #expect(outcome.suites.count == 13, "the site and 12 pages")
            #expect(pass.checks.total == outcome.checks.count && pass.checks.count(.failed) == outcome.count(.failed))

            let junit = file("xml"), json = file("json"), dot = file("dot")
            defer { for f in [junit, json, dot] { try? FileManager.default.removeItem(at: f) } }
            try JUnitReport.stream(pass.spool, to: junit)
            #expect(try String(contentsOf: junit, encoding: .utf8) == JUnitReport.render(outcome))

            try writing(to: json) { try JSONReport.stream(reader, to: $0, checks: pass.spool) }
            let expected = try JSONReport(result: result, audits: audits, checks: outcome).encoded()
            #expect(try Data(contentsOf: json) == expected)
            #expect(String(decoding: expected, as: UTF8.self).contains("\"maxRequests\""))

            var digest = try #require(pass.html)
            digest.checks = pass.checks
            #expect(try HTMLReport.render(digest) == HTMLReport.render(result: result, audits: audits, outcome: outcome))

            try DOTReport.stream(reader, to: dot)
            #expect(try String(contentsOf: dot, encoding: .utf8) == DOTReport.render(result: result))

            let memory = TextReport.render(result: result, audits: audits, outcome: outcome)
            #expect(TextReport.render(summary, checks: pass.checks) == memory)

            let snapshot = try #require(pass.snapshot)
            let fromJSON = ReportSnapshot(try JSONReport.decode(expected))
            #expect(snapshot.resources == fromJSON.resources)
            #expect(snapshot.pages.map(\.firstVisitBytes) == fromJSON.pages.map(\.firstVisitBytes))
            #expect(BaselineDiff(old: fromJSON, new: snapshot).checks(maxGrowth: 0).checks.allSatisfy { $0.status == .passed })
        }
    }

    @Test("the advisory checks (no budget) stream like the in-memory ones")
    func advisory() async throws {
        try await withStoredCrawl { store, result in
            let reader = try StoreReader(path: store.path)
            var summary = CrawlSummary(startURLs: reader.startURLs, stopReason: reader.stopReason)
            let pass = try ChecksPass.run(reader, budget: .advisory, html: false, snapshot: false, summary: &summary)
            let junit = file("xml")
            defer { try? FileManager.default.removeItem(at: junit) }
            try JUnitReport.stream(pass.spool, to: junit)
            #expect(try String(contentsOf: junit, encoding: .utf8) == JUnitReport.render(Budget.advisory.evaluate(result)))
            #expect(pass.html == nil && pass.snapshot == nil)
        }
    }

    @Test("the crawl's start is stored: the HAR's first entry starts within the test's wall-clock window")
    func harStart() async throws {
        let before = Date()
        try await withStoredCrawl { store, _ in
            let reader = try StoreReader(path: store.path)
            let started = try #require(reader.startedAt)
            #expect(started >= before.addingTimeInterval(-1) && started <= Date())
            let har = file("har")
            defer { try? FileManager.default.removeItem(at: har) }
            try writing(to: har) { try HARReport.stream(reader, to: $0, startedAt: started) }
            let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: har)) as? [String: Any])
            let entries = try #require((object["log"] as? [String: Any])?["entries"] as? [[String: Any]])
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let times = entries.compactMap { ($0["startedDateTime"] as? String).flatMap(formatter.date(from:)) }
            #expect(!times.isEmpty && times.count == entries.count)
            for t in times { #expect(t >= started.addingTimeInterval(-0.001) && t <= Date()) }
        }
    }

    /// The HTML report of a synthetic site of `pages` pages, streamed from a store.
    func syntheticHTML(pages: Int) async throws -> (html: String, urls: Int) {
        let site = SyntheticSite(pages: pages)
        return try await SyntheticServer.withServer(site) { base, _ in
            let store = try SQLiteCrawlStore.temporary()
            defer { store.close() }
            try await HTTPClient.withHTTPClient(configuration: HTTPClientFetcher.clientConfiguration()) { client in
                var configuration = CrawlConfiguration(startURLs: [base])
                configuration.concurrency = 8
                _ = try await Crawler(fetcher: HTTPClientFetcher(client: client), configuration: configuration).run(store: store)
            }
            let reader = try StoreReader(path: store.path)
            var summary = CrawlSummary(startURLs: reader.startURLs, stopReason: reader.stopReason)
            var digest = try #require(try ChecksPass.run(reader, budget: .advisory, html: true, snapshot: false, summary: &summary).html)
            digest.checks = nil
            return (try HTMLReport.render(digest, advisory: true), site.urlCount)
        }
    }

    @Test("the HTML report of a large crawl stays bounded: heaviest pages, the first rows of each table, the first graph nodes")
    func boundedHTML() async throws {
        let (small, smallURLs) = try await syntheticHTML(pages: 400)
        #expect(small.contains("The 100 heaviest of 400 pages, heaviest first"))
        #expect(small.contains("Showing the first 1000 of \(smallURLs) URLs in URL order"))
        #expect(small.contains("Showing the first 1000 of 400 pages") == false, "400 pages fit the model table")
        #expect(small.contains("Showing 400 of "))
        #expect(small.components(separatedBy: "<rect ").count - 1 <= 100 * 2 * 8 + 400, "chart bars and graph nodes are bounded")
        let (large, largeURLs) = try await syntheticHTML(pages: 1200)
        #expect(large.contains("The 100 heaviest of 1200 pages"))
        #expect(large.contains("Showing the first 1000 of 1200 pages"))
        #expect(large.contains("Showing the first 1000 of \(largeURLs) URLs"))
        // Three times the pages and URLs; the page table grew from 400 to 1,000 rows, nothing else.
        #expect(Double(large.utf8.count) < 1.6 * Double(small.utf8.count), "\(large.utf8.count) against \(small.utf8.count)")
    }
}
