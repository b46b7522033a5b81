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

/// Counts the plain GETs (not the conditional probes) of each URL, and calls `onFetch` after
/// each one with the number so far.
struct CountingFetcher: Fetcher {
    let base: any Fetcher
    let counts: LockedBox<[String: Int]>
    var onFetch: @Sendable (Int) -> Void = { _ in }

    func fetch(_ request: FetchRequest) async -> FetchResponse {
        let response = await base.fetch(request)
        let conditional = request.headers.contains { $0.name == "If-None-Match" || $0.name == "If-Modified-Since" }
        if !conditional {
            var total = 0
            counts.value = { var c = counts.value; c[request.url.absoluteString, default: 0] += 1; total = c.values.reduce(0, +); return c }()
            onFetch(total)
        }
        return response
    }
}

/// What must be equal between two crawls of one site, timings aside.
struct CrawlDigest: Equatable, CustomStringConvertible {
    var pages: [String: Int]
    var resources: [String: String]
    var skipped: [String: SkipReason]

    init(_ result: CrawlResult) {
        pages = Dictionary(uniqueKeysWithValues: result.pages.map { ($0.url, $0.depth) })
        resources = result.resources.mapValues { r in
            let inm = r.revalidation?.ifNoneMatch, ims = r.revalidation?.ifModifiedSince
            return "\(r.kind) \(r.exchange.url) \(r.exchange.status.map(String.init) ?? r.exchange.error?.description ?? "?") "
                + "\(r.wireBytes) INM \(inm?.exchange.status ?? 0) \(inm?.verdict.rawValue ?? "-") IMS \(ims?.exchange.status ?? 0) \(ims?.verdict.rawValue ?? "-")"
        }
        skipped = result.skipped ?? [:]
    }

    var description: String { "\(pages.count) pages, \(resources.count) resources, \(skipped.count) skipped" }
}

@Suite("Crawl store")
struct StoreTests {
    @Test("a batch commits frontier, results and skips together; claims come urgent first, then in order; released claims come back")
    func batchesAndClaims() async throws {
        let store = try SQLiteCrawlStore.temporary()
        defer { store.close() }
        try await store.create(StoredCrawl(startURLs: ["http://a.invalid/"], arguments: ["http://a.invalid/", "--max-pages", "5"]))
        var batch = StoreBatch()
        batch.enqueued = [
            FrontierEntry(url: "http://a.invalid/", kind: .page, depth: 0, purpose: .asset),
            FrontierEntry(url: "http://a.invalid/x.css", kind: .stylesheet, depth: nil, purpose: .asset),
            FrontierEntry(url: "http://a.invalid/robots.txt", kind: .other, depth: nil, purpose: .robots),
            FrontierEntry(url: "http://a.invalid/", kind: .page, depth: 0, purpose: .asset),  // a duplicate key: ignored
        ]
        batch.skipped = [("http://a.invalid/admin", .excluded)]
        batch.pagesEnqueued = 1
        try await store.commit(batch)
        let first = try await store.claim(limit: 2)
        #expect(first.map(\.url) == ["http://a.invalid/robots.txt", "http://a.invalid/"])
        #expect(try await store.pendingCount() == 3)
        try await store.releaseClaims()
        let again = try await store.claim(limit: 10)
        #expect(again.map(\.url) == ["http://a.invalid/robots.txt", "http://a.invalid/", "http://a.invalid/x.css"])

        var done = StoreBatch()
        done.done = [again[1].id]
        done.resources = [FetchedResource(url: "http://a.invalid/", kind: .page,
                                          exchange: Exchange(url: "http://a.invalid/", status: 200, headerBytes: 10, bodyBytes: 20))]
        done.pages = [PageResult(url: "http://a.invalid/", depth: 0, references: [
            Reference(url: "http://a.invalid/x.css", raw: "x.css", element: "link", attribute: "href", line: 1, kind: .stylesheet, role: .requisite),
        ])]
        try await store.commit(done)
        #expect(try await store.pendingCount() == 2)
        let crawl = try #require(try await store.crawl())
        #expect(crawl.arguments == ["http://a.invalid/", "--max-pages", "5"])
        #expect(crawl.pagesEnqueued == 1)
        let result = try await store.loadResult()
        #expect(result.pages.map(\.url) == ["http://a.invalid/"])
        #expect(result.pages.first?.references.first?.line == 1)
        #expect(result.resources["http://a.invalid/"]?.wireBytes == 30)
        #expect(result.skipped == ["http://a.invalid/admin": .excluded])
        let hashes = try await store.seenHashes()
        #expect(Set(hashes.frontier).contains(SeenSet.hash("http://a.invalid/x.css")))
        #expect(hashes.skipped == [SeenSet.hash("http://a.invalid/admin")])
    }

    @Test("a file that is not a store, or a store that already holds a crawl, is refused with what to do")
    func refusals() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-store-\(UUID().uuidString)").path
        try Data("hello, not sqlite at all, but long enough to be read as a header........".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { _ = try SQLiteCrawlStore(path: path) } throws: { ($0 as? StoreError)?.code == .notAStore }

        let store = try SQLiteCrawlStore.temporary()
        defer { store.close() }
        try await store.create(StoredCrawl(startURLs: ["http://a.invalid/"]))
        await #expect { try await store.create(StoredCrawl(startURLs: ["http://a.invalid/"])) } throws: {
            ($0 as? StoreError)?.code == .crawlState && "\($0)".contains("--resume")
        }
    }

    @Test("a crawl stopped half way and resumed from its store ends like an uninterrupted one, fetching again only what was in flight")
    func resumeInProcess() async throws {
        try await serve(generatedSite(pages: 60)) { base in
            var configuration = CrawlConfiguration(startURLs: [base])
            configuration.concurrency = 4
            let full = try await crawl([base]) { $0.concurrency = 4 }

            let store = try SQLiteCrawlStore.temporary()
            defer { store.close() }
            let counts = LockedBox<[String: Int]>([:])
            try await HTTPClient.withHTTPClient(configuration: HTTPClientFetcher.clientConfiguration()) { client in
                let http = HTTPClientFetcher(client: client)
                // Stop after 40 fetches, as Ctrl-C would.
                let task = LockedBox<Task<StopReason?, any Error>?>(nil)
                let stopping = CountingFetcher(base: http, counts: counts) { n in if n == 40 { task.value?.cancel() } }
                let crawler = Crawler(fetcher: stopping, configuration: configuration)
                task.value = Task { try await crawler.run(store: store) }
                let reason = try await task.value!.value
                #expect(reason?.code == "interrupted", "\(reason.map(String.init(describing:)) ?? "nil")")
                let partial = try await store.loadResult()
                #expect(partial.resources.count < full.resources.count)

                let resumed = Crawler(fetcher: CountingFetcher(base: http, counts: counts), configuration: configuration)
                #expect(try await resumed.run(store: store, resume: true) == nil)
            }
            let result = try await store.loadResult()
            #expect(CrawlDigest(result) == CrawlDigest(full))
            #expect(result.stopReason == nil)
            // Fetched twice: at most what was in flight when the crawl stopped (--concurrency 4).
            let twice = counts.value.filter { $0.value > 1 }
            #expect(twice.count <= 4, "\(twice)")
        }
    }

    @Test("resuming a store whose crawl started elsewhere, or an empty one, is an error that says so")
    func resumeMismatch() async throws {
        let store = try SQLiteCrawlStore.temporary()
        defer { store.close() }
        let crawler = Crawler(fetcher: HangingFetcher(started: AsyncStream<Void>.makeStream().continuation),
                              configuration: CrawlConfiguration(startURLs: [URL(string: "http://b.invalid/")!]))
        await #expect { _ = try await crawler.run(store: store, resume: true) } throws: { "\($0)".contains("no crawl to resume") }
        try await store.create(StoredCrawl(startURLs: ["http://a.invalid/"]))
        await #expect { _ = try await crawler.run(store: store, resume: true) } throws: { "\($0)".contains("http://a.invalid/") }
    }

    @Test("the JSON report, the HAR and the summary streamed row by row from a store are the bytes of the in-memory ones")
    func streamedReports() async throws {
        try await withStoredCrawl { store, result in
            let dir = FileManager.default.temporaryDirectory
            let inMemory = dir.appendingPathComponent("memory-\(UUID().uuidString).json")
            let streamed = dir.appendingPathComponent("streamed-\(UUID().uuidString).json")
            defer { for f in [inMemory, streamed] { try? FileManager.default.removeItem(at: f) } }
            let audits = SiteAudit.pages(result)
            try writing(to: inMemory) { try JSONReport(result: result, audits: audits).write(to: $0) }
            var summary = CrawlSummary(startURLs: result.startURLs, stopReason: result.stopReason)
            try writing(to: streamed) { handle in
                summary.site = try JSONReport.stream(try StoreReader(path: store.path), to: handle,
                                                     onPage: { summary.add($0) }, onResource: { summary.add($0) })
            }
            let expected = try Data(contentsOf: inMemory)
            #expect(try Data(contentsOf: streamed) == expected)
            #expect(expected.count > 10_000)
            #expect(TextReport.render(summary) == TextReport.render(result: result, audits: audits))
            let har = dir.appendingPathComponent("streamed-\(UUID().uuidString).har")
            defer { try? FileManager.default.removeItem(at: har) }
            let started = Date(timeIntervalSince1970: 1_700_000_000)
            try writing(to: har) { try HARReport.stream(try StoreReader(path: store.path), to: $0, startedAt: started) }
            let rendered = try HARReport.render(result: result, startedAt: started)
            #expect(try Data(contentsOf: har) == rendered)
            #expect(rendered.count > 10_000)
        }
    }
}
