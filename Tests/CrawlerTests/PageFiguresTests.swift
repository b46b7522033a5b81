import AsyncHTTPClient
import Audit
import Crawler
import CrawlModel
import CrawlStore
import Fetching
import FixtureServer
import Foundation
@testable import Reports
import Testing

/// The report phase works out each page's figures from its slice with what pages share (audit
/// figures, costs, CDN status) remembered per URL: the figures must be the whole-crawl ones.
@Suite("Per-page figures of the report phase")
struct PageFiguresTests {
    /// Every page's audit, requisites and CDN figures from a stored crawl read row by row,
    /// against the in-memory audit of the same crawl.
    func expectSameFigures(_ reader: StoreReader, _ result: CrawlResult) throws {
        let audits = Dictionary(uniqueKeysWithValues: SiteAudit.pages(result).map { ($0.url, $0) })
        var memo = URLMemo<CDNHitRatio>()
        var seen = 0
        _ = try PageByPage.run(reader) { f in
            seen += 1
            let expected = try #require(audits[f.page.url])
            #expect(f.audit.status == expected.status && f.audit.requisites == expected.requisites, "\(f.page.url)")
            #expect(f.audit.firstVisitBytes == expected.firstVisitBytes, "\(f.page.url)")
            #expect(f.audit.firstVisitBytesAllCandidates == expected.firstVisitBytesAllCandidates, "\(f.page.url)")
            #expect(f.audit.notChosen == expected.notChosen && f.audit.broken == expected.broken, "\(f.page.url)")
            #expect(f.audit.revalidated304 == expected.revalidated304 && f.audit.revalidated200 == expected.revalidated200)
            let page = try #require(result.pages.first { $0.url == f.page.url })
            #expect(f.requisites == result.requisites(of: page))
            #expect(f.cdnHits(memo: &memo) == CDNHitRatio.ofPage(page, in: result), "\(f.page.url)")
            #expect(f.cdnHits == CDNHitRatio.ofPage(page, in: result))
        }
        #expect(seen == result.pages.count)
    }

    @Test("fixture site: stored per-page figures equal the in-memory audit")
    func fixtureSite() async throws {
        try await withStoredCrawl { store, result in
            try expectSameFigures(try StoreReader(path: store.path), result)
        }
    }

    @Test("fixture site: each stored record's tally (read without decoding it) equals the whole resource's")
    func tallies() async throws {
        try await withStoredCrawl { store, result in
            var tallies: [ResourceTally] = []
            try StoreReader(path: store.path).forEachResourceTally { tallies.append($0) }
            let expected = result.resources.keys.sorted().map { ResourceTally(result.resources[$0]!) }
            #expect(tallies == expected)
            // Failures and both probes are in the fixture's crawl (RecordCodingTests has the rest).
            #expect(expected.contains { $0.failed } && expected.contains { $0.probes.count == 2 })
        }
    }

    @Test("fixture site: with the shared-document memo each page gets a fresh browser model's choice")
    func decisionMemo() async throws {
        try await withStoredCrawl { _, result in
            let viewport = BrowserModel.viewport(of: result)
            var shared = SelectorCache()
            // In URL order, then reversed: each page meets memo entries made for other pages.
            let pages = result.pages.sorted { $0.url < $1.url }
            for page in pages + pages.reversed() {
                let choice = BrowserModel.choose(page, in: result, viewport: viewport, selectors: &shared)
                #expect(choice == BrowserModel.choose(page, in: result, viewport: viewport), "\(page.url)")
            }
        }
    }

    @Test("synthetic site past the per-URL memo's limit: the same figures")
    func pastMemoLimit() async throws {
        // 1,400 pages: 4,207 URLs, more than the 4,096 each memo keeps before it starts over.
        let site = SyntheticSite(pages: 1400)
        try await SyntheticServer.withServer(site) { base, _ in
            let store = try SQLiteCrawlStore.temporary()
            defer { store.close() }
            try await HTTPClient.withHTTPClient(configuration: HTTPClientFetcher.clientConfiguration()) { client in
                var configuration = CrawlConfiguration(startURLs: [base])
                configuration.concurrency = 8
                configuration.maxPages = 10_000
                // The fixture site's crawl has the probes; this one is about the memo's limit.
                configuration.revalidate = false
                _ = try await Crawler(fetcher: HTTPClientFetcher(client: client), configuration: configuration).run(store: store)
            }
            let result = try await store.loadResult()
            #expect(result.resources.count == site.urlCount)
            try expectSameFigures(try StoreReader(path: store.path), result)
        }
    }

    @Test("URLMemo makes each value once and starts over past its limit")
    func memo() {
        var memo = URLMemo<Int?>()
        var made = 0
        for round in 0..<2 {
            for i in 0..<100 { #expect(memo.value(for: "u\(i)") { made += 1; return i == 7 ? nil : i } == (i == 7 ? nil : i), "\(round)") }
        }
        #expect(made == 100, "a nil is remembered too")
        for i in 0..<(2 * URLMemo<Int?>.limit) { _ = memo.value(for: "v\(i)") { i } }
        #expect(memo.value(for: "v0") { -1 } == -1, "forgotten after the memo started over")
    }
}
