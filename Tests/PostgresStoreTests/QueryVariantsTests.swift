import CrawlModel
import CrawlStore
import Foundation
import PostgresCrawlStore
import Testing
import TestSupport

@Suite("PostgreSQL store: crawler-trap counts", .requires(.postgresServer))
struct QueryVariantsTests {
    @Test("queryVariants() counts the crawl's query-string pages by path as the SQLite store does: start URLs, requisites, robots.txt left out")
    func sameAsSQLite() async throws {
        let start = "http://site.invalid/list?page=1"
        var batch = StoreBatch()
        batch.enqueued = [
            FrontierEntry(url: start, kind: .page, depth: 0, purpose: .asset),
            FrontierEntry(url: "http://site.invalid/list?page=2", kind: .page, depth: 1, purpose: .asset),
            FrontierEntry(url: "http://site.invalid/list?page=3", kind: .page, depth: 2, purpose: .asset),
            FrontierEntry(url: "http://site.invalid/list?sort=a&page=1", kind: .page, depth: 2, purpose: .asset),
            // A sitemap's page (depth 0, not a start URL) counts; a requisite and robots.txt do not.
            FrontierEntry(url: "http://site.invalid/item?id=7", kind: .page, depth: 0, purpose: .asset),
            FrontierEntry(url: "http://site.invalid/style.css?v=2", kind: .stylesheet, depth: nil, purpose: .asset),
            FrontierEntry(url: "http://site.invalid/robots.txt?x=1", kind: .other, depth: nil, purpose: .robots),
            FrontierEntry(url: "http://site.invalid/plain", kind: .page, depth: 1, purpose: .asset),
        ]
        let crawl = StoredCrawl(startURLs: [start], stopReason: .unfinished)

        let sqlite = try SQLiteCrawlStore.temporary()
        defer { sqlite.close() }
        try await sqlite.create(crawl)
        try await sqlite.commit(batch)
        let expected = try await sqlite.queryVariants()
        #expect(expected == ["http://site.invalid/list": 3, "http://site.invalid/item": 1])

        let store = try await PostgresCrawlStore.open(try PostgresLocation(parsing: try testDatabase()))
        do {
            try await store.create(crawl)
            try await store.commit(batch)
            #expect(try await store.queryVariants() == expected)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
