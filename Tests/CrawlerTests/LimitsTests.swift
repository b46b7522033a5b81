import Crawler
import CrawlModel
import Foundation
import Testing
import TestSupport

@Suite("Limits that say so")
struct LimitsTests {
    @Test("--max-pages says in stopReason how many pages it left and which flag to raise")
    func maxPagesStopReason() async throws {
        try await serve(generatedSite(pages: 12)) { base in
            let result = try await crawl([base]) { $0.maxPages = 5; $0.concurrency = 1 }
            #expect(result.pages.count == 5)
            let left = result.skipped?.values.filter { $0 == .pastMaxPages(maxPages: 5) }.count ?? 0
            #expect(left > 0)
            #expect(result.stopReason == .maxPages(limit: 5, pagesLeft: left))
            #expect(result.stopReason?.description == "--max-pages 5 reached; \(left) more pages found and not crawled (raise --max-pages)")
            let all = try await crawl([base])
            #expect(all.pages.count == 12, "no page limit by default")
            #expect(all.stopReason == nil)
        }
    }

    @Test("crawler traps: very long URLs, repeating path segments and query-string explosions are skipped with the reason")
    func traps() async throws {
        let long = "/" + String(repeating: "x", count: 2100) + ".html"
        var links = [long, "/a/b/a/b/a/b/", "/a/b/a/"]
        links += (0..<8).map { "/cal.html?day=\($0)" }
        try await serve(["index.html": page(links: links), "cal.html": page(), "a/b/a/index.html": page()]) { base in
            let result = try await crawl([base]) { $0.traps.maxQueryVariants = 5; $0.respectRobots = false }
            let skipped = result.skipped ?? [:]
            #expect(skipped[base.appending(String(long.dropFirst())).absoluteString] == .urlTooLong(limit: 2048))
            #expect(skipped[base.appending("a/b/a/b/a/b/").absoluteString] == .repeatingSegments(segment: "a", times: 3))
            #expect(result.pagePaths(base).contains("/a/b/a/"), "twice is not a trap")
            let calendar = result.pages.filter { $0.url.contains("cal.html?") }
            #expect(calendar.count == 5)
            #expect(skipped.values.filter { if case .queryExplosion(_, limit: 5) = $0 { true } else { false } }.count == 3)
        }
    }
}
