@testable import AssetCrawlCLI
import Crawler
import CrawlModel
@testable import CrawlStore
import Fetching
import FixtureServer
import Foundation
import Testing
import TestSupport

/// Skip and stop reasons are values: the crawl records cases, stores keep a code and its
/// parameters, and the CLI decides what to say from the case, never from the words.
@Suite("Outcomes as types")
struct OutcomeTests {
    static let skipReasons: [SkipReason] = [
        .disallowedByRobots, .notIncluded, .excluded, .otherOrigin, .tooDeep(maxDepth: 3), .pastMaxPages(maxPages: 1000),
        .urlTooLong(limit: 2048), .repeatingSegments(segment: "a\tb", times: 3), .queryExplosion(path: "http://a.invalid/cal", limit: 20),
        .tooManyImports(page: "http://a.invalid/", limit: 100), .tooManyRequisites(page: "http://a.invalid/p?x=\t", limit: 5000),
        .robotsUnusable(.status(503)), .robotsUnusable(.notFetched(nil)), .robotsUnusable(.notFetched(FetchError(.tls, "handshake failed: bad cert"))),
        .robotsUnusable(.cutOff(status: 200, FetchError(.reset, "connection reset by peer"))), .recorded("words of another version"),
    ]
    static let stopReasons: [StopReason] = [
        .interrupted(pending: 0), .interrupted(pending: 7), .maxTime(pending: 0), .maxTime(pending: 12), .maxPages(limit: 5, pagesLeft: 3),
        .unfinished, .storeFailed("disk full\tor worse"), .recorded("words of another version"),
    ]

    @Test("every skip and stop reason reads back from its stored form as the same case")
    func storedForm() {
        for reason in Self.skipReasons {
            #expect(SkipReason(stored: reason.stored) == reason, "\(reason.stored)")
        }
        for reason in Self.stopReasons {
            #expect(StopReason(stored: reason.stored) == reason, "\(reason.stored)")
        }
        #expect(SkipReason.pastMaxPages(maxPages: 1000).stored == "maxPages\t1000")
        #expect(StopReason.maxPages(limit: 5, pagesLeft: 3).stored == "maxPages\t5\t3")
        #expect(SkipReason.robotsUnusable(.notFetched(FetchError(.tls, "x"))).stored == "robotsUnusable\tnotFetched\ttls\tx")
    }

    @Test("an older store's words read back as the case they describe, or as themselves: a report of it says the same")
    func olderWords() {
        // What stores held before the stored form: the reasons' descriptions.
        for reason in Self.skipReasons {
            let old = SkipReason(stored: reason.description)
            #expect(old.description == reason.description)
            switch reason {
            case .repeatingSegments, .queryExplosion, .tooManyImports, .tooManyRequisites, .robotsUnusable(.cutOff), .recorded:
                #expect(old == .recorded(reason.description) || old == reason)
            default:
                #expect(old == reason, "\(reason.description)")
            }
        }
        for reason in Self.stopReasons {
            let old = StopReason(stored: reason.description)
            #expect(old.description == reason.description)
            if case .recorded = reason { continue }
            #expect(old == reason, "\(reason.description)")
        }
        #expect(StopReason(stored: "--max-time reached; 3 URLs not fetched (raise --max-time, or continue with crawl --resume FILE when the crawl had --store FILE)") == .maxTime(pending: 3))
        #expect(SkipReason(stored: "robots.txt could not be fetched (tls: handshake failed), so RFC 9309 allows nothing")
                == .robotsUnusable(.notFetched(FetchError(.tls, "handshake failed"))))
    }

    @Test("a store written before the stored form: its stop and skip reasons read back typed (a real SQLite file)")
    func olderStore() async throws {
        let path = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteCrawlStore(path: path)
        try await store.create(StoredCrawl(startURLs: ["http://a.invalid/"]))
        var batch = StoreBatch()
        batch.skipped = [("http://a.invalid/x", .excluded)]
        try await store.commit(batch)
        store.close()
        // Rewrite the rows as an older assetcrawl wrote them: the report's words.
        let db = try SQLiteDatabase(path: path)
        try db.execute("""
            UPDATE meta SET value = '--max-pages 5 reached; 4 more pages found and not crawled (raise --max-pages)' WHERE key = 'stopReason';
            UPDATE skipped SET reason = 'robots.txt could not be fetched (tls: certificate expired), so RFC 9309 allows nothing';
            INSERT INTO skipped(url, reason) VALUES ('http://a.invalid/y', 'past --max-pages 5'), ('http://a.invalid/z', 'a reason of another version')
            """)
        let reader = try StoreReader(path: path)
        #expect(reader.stopReason == .maxPages(limit: 5, pagesLeft: 4))
        #expect(try reader.skipReason("http://a.invalid/x") == .robotsUnusable(.notFetched(FetchError(.tls, "certificate expired"))))
        #expect(try reader.skippedURLs() == [
            "http://a.invalid/x": .robotsUnusable(.notFetched(FetchError(.tls, "certificate expired"))),
            "http://a.invalid/y": .pastMaxPages(maxPages: 5), "http://a.invalid/z": .recorded("a reason of another version"),
        ])
    }

    /// Crawls `configuration` over real HTTP into the store file at `path`; why it stopped.
    func crawlIntoStore(_ configuration: CrawlConfiguration, path: String) async throws -> StopReason? {
        let store = try SQLiteCrawlStore(path: path)
        defer { store.close() }
        return try await HTTPTransport.lean.withFetcher(client: HTTPClientFetcher.clientConfiguration(), options: .init()) { fetcher in
            try await Crawler(fetcher: fetcher, configuration: configuration).run(store: store)
        }
    }

    func temporaryStore() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-\(UUID().uuidString).sqlite").path
    }

    func stored(_ db: SQLiteDatabase, _ sql: String) throws -> [String] {
        var out: [String] = []
        try db.prepare(sql).query { out.append($0.text(0)) }
        return out
    }

    @Test("a crawl cut by --max-pages over real HTTP: the store keeps maxPages with its numbers, and the skipped pages' reason")
    func maxPagesInStore() async throws {
        try await serve(generatedSite(pages: 12)) { base in
            var configuration = CrawlConfiguration(startURLs: [base])
            configuration.maxPages = 5
            configuration.concurrency = 1
            let path = temporaryStore()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let reason = try await crawlIntoStore(configuration, path: path)
            guard case .maxPages(limit: 5, let left) = reason else { Issue.record("\(String(describing: reason))"); return }
            #expect(left > 0)
            let reader = try StoreReader(path: path), db = try SQLiteDatabase(path: path)
            #expect(reader.stopReason == reason)
            #expect(try stored(db, "SELECT value FROM meta WHERE key = 'stopReason'") == ["maxPages\t5\t\(left)"])
            let skipped = try reader.skippedURLs()
            #expect(skipped.values.filter { $0 == .pastMaxPages(maxPages: 5) }.count == left)
            #expect(try Set(stored(db, "SELECT reason FROM skipped")) == ["maxPages\t5"])
        }
    }

    @Test("a crawl cut by --max-time over real HTTP: the store keeps maxTime with what was left")
    func maxTimeInStore() async throws {
        let files = ["index.html": page(images: ["slow.png"]), "slow.png": "x"]
        // A status fault: no open file waits behind the delay.
        try await serve(files, rules: [.init(match: "slow.png", fault: Fault(status: 404, delayMs: 120_000))]) { base in
            var configuration = CrawlConfiguration(startURLs: [base])
            configuration.maxTime = .seconds(2)
            configuration.respectRobots = false
            configuration.revalidate = false
            let path = temporaryStore()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let reason = try await crawlIntoStore(configuration, path: path)
            // slow.png at least was not fetched (index.html too, on a machine slower than 2 s).
            guard case .maxTime(let pending) = reason, pending >= 1 else { Issue.record("\(String(describing: reason))"); return }
            #expect(try StoreReader(path: path).stopReason == reason)
            #expect(try stored(SQLiteDatabase(path: path), "SELECT value FROM meta WHERE key = 'stopReason'") == ["maxTime\t\(pending)"])
        }
    }

    @Test("robots.txt over an origin whose TLS fails: the start page is skipped with the TLS failure as a case, and the CLI's hint says --ca-cert")
    func robotsOverFailingTLS() async throws {
        let certificate = try TestCertificate.make()
        defer { certificate.remove() }
        var server = FixtureServer.Configuration(root: RepoPaths.fixtureSite)
        server.tls = FixtureServer.TLS(certificateChainFile: certificate.certificate, privateKeyFile: certificate.key)
        try await FixtureServer.withFixtureServer(server) { base in
            let result = try await crawl([base])
            #expect(result.pages.isEmpty)
            let reason = try #require(result.skipped?[base.absoluteString])
            guard case .robotsUnusable(.notFetched(let error?)) = reason else { Issue.record("\(reason)"); return }
            #expect(error.code == .tls, "\(error)")
            let message = CrawlCommand.startSkipped(reason)
            #expect(message.hasPrefix("robots.txt could not be fetched over TLS ("), "\(message)")
            #expect(message.hasSuffix("add --ca-cert FILE with that certificate; --ignore-robots crawls anyway)"), "\(message)")
        }
    }

    @Test("the CLI's words for a skipped start page come from the case")
    func startSkippedWords() {
        #expect(CrawlCommand.startSkipped(.robotsUnusable(.status(503))) == "robots.txt answered HTTP 503, so RFC 9309 allows nothing (use --ignore-robots to crawl it anyway)")
        #expect(CrawlCommand.startSkipped(.robotsUnusable(.notFetched(FetchError(.refused, "connection refused"))))
                == "robots.txt could not be fetched (refused: connection refused), so RFC 9309 allows nothing (is the server running and the URL right? --ignore-robots crawls anyway)")
        #expect(CrawlCommand.startSkipped(.disallowedByRobots) == "disallowed by robots.txt (use --ignore-robots to crawl it anyway)")
        #expect(CrawlCommand.startSkipped(.excluded) == "it matches --exclude (narrow the pattern to crawl it)")
    }
}
