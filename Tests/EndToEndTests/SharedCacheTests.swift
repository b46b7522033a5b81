import AsyncHTTPClient
import Audit
import Crawler
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import Reports
import Testing
import TestSupport

/// Crawls from `starts` over real HTTP without revalidation probes unless asked.
func crawlOnce(_ starts: URL..., revalidate: Bool = false) async throws -> CrawlResult {
    var configuration = CrawlConfiguration(startURLs: starts)
    configuration.revalidate = revalidate
    configuration.concurrency = 4
    return try await HTTPClient.withHTTPClient(configuration: HTTPClientFetcher.clientConfiguration()) { client in
        await Crawler(fetcher: HTTPClientFetcher(client: client), configuration: configuration).run()
    }
}

/// The shared-cache problem codes of every fetched URL of `base`'s origin, by path.
func problemCodes(_ result: CrawlResult, base: URL) -> [String: [String]] {
    let origins = SharedCacheFreshness.siteOrigins(result.startURLs)
    var out: [String: [String]] = [:]
    for r in result.resources.values where r.url.hasPrefix(base.absoluteString) {
        let codes = SharedCacheFreshness(r, siteOrigins: origins).problems.map(\.code.rawValue)
        if !codes.isEmpty { out["/" + r.url.dropFirst(base.absoluteString.count)] = codes }
    }
    return out
}

@Suite("Shared-cache audit over real HTTP: Samples/CDNSite makes every problem, the fixture none")
struct SharedCacheTests {
    static let site = RepoPaths.root.appendingPathComponent("Samples/CDNSite")

    struct Expected: Decodable {
        var problems: [String: [String]]
        static func load() throws -> Expected {
            try JSONDecoder().decode(Expected.self, from: Data(contentsOf: RepoPaths.root.appendingPathComponent("Samples/CDNSite.expected.json")))
        }
    }

    /// Samples/CDNSite served with its own policy file, as `serve` and `crawl --serve` read it.
    func crawlCDNSite() async throws -> (CrawlResult, URL) {
        let file = Self.site.appendingPathComponent(".assetcrawl-policy.json")
        let policy = try JSONDecoder().decode(ServerPolicy.self, from: Data(contentsOf: file)).adding(to: .default)
        return try await FixtureServer.withFixtureServer(root: Self.site, policy: policy) { base in (try await crawlOnce(base), base) }
    }

    @Test("each code appears on the one asset made to show it, and nowhere else",
          arguments: SharedCacheProblem.Code.allCases.filter { $0 != .CROSS_ORIGIN_FONT_NO_CORS })
    func eachCode(_ code: SharedCacheProblem.Code) async throws {
        let expected = try Expected.load().problems
        let (result, base) = try await crawlCDNSite()
        let found = problemCodes(result, base: base)
        let want = Set(expected.filter { $0.value.contains(code.rawValue) }.keys)
        #expect(!want.isEmpty, "the sample has an asset for \(code)")
        #expect(Set(found.filter { $0.value.contains(code.rawValue) }.keys) == want)
    }

    @Test("the whole sample equals its ground truth; every problem says what to send instead")
    func wholeSample() async throws {
        let (result, base) = try await crawlCDNSite()
        #expect(problemCodes(result, base: base) == (try Expected.load().problems))
        let origins = Set([WebURL.origin(of: base)])
        for r in result.resources.values {
            for p in SharedCacheFreshness(r, siteOrigins: origins).problems { #expect(!p.fix.isEmpty && !p.found.isEmpty) }
        }
        let privateImage = try #require(result.resources[base.absoluteString + "img/private.png"])
        let reading = SharedCacheFreshness(privateImage, siteOrigins: origins)
        #expect(!reading.storable && reading.source == .private && reading.freshSeconds == 0)
    }

    @Test("CROSS_ORIGIN_FONT_NO_CORS: a font on a second server, without and then with Access-Control-Allow-Origin")
    func crossOriginFont() async throws {
        for cors in [false, true] {
            let fontPolicy = ServerPolicy(rules: cors ? [.init(match: "**", headers: ["Access-Control-Allow-Origin": "*"])] : [])
                .adding(to: .default)
            let codes = try await withTemporarySite(["f.woff2": "wOF2 not really a font"]) { fonts in
                try await FixtureServer.withFixtureServer(root: fonts, policy: fontPolicy) { fontBase in
                    let page = """
                        <!DOCTYPE html><html><head><style>
                        @font-face { font-family: X; src: url(\(fontBase.absoluteString)f.woff2) format("woff2"); }
                        body { font-family: X, serif; }
                        </style></head><body>text</body></html>
                        """
                    return try await withTemporarySite(["index.html": page]) { root in
                        try await FixtureServer.withFixtureServer(root: root) { base in
                            let result = try await crawlOnce(base)
                            let font = try #require(result.resources[fontBase.absoluteString + "f.woff2"])
                            #expect(font.kind == .font && font.exchange.status == 200)
                            return SharedCacheFreshness(font, siteOrigins: [WebURL.origin(of: base)]).problems.map(\.code)
                        }
                    }
                }
            }
            #expect(codes.contains(.CROSS_ORIGIN_FONT_NO_CORS) == !cors)
        }
    }

    @Test("the default fixture has no shared-cache problem, and passes Samples/budget.json's cdnCacheable")
    func fixtureClean() async throws {
        let (result, base) = try await FixtureCrawlTests().crawlFixture(revalidate: false)
        #expect(problemCodes(result, base: base) == [:])
        let budget = try Budget.decode(Array(Data(contentsOf: RepoPaths.root.appendingPathComponent("Samples/budget.json"))))
        let check = try #require(budget.evaluate(result).checks.first { $0.name == "cdnCacheable" })
        #expect(check.status == .passed)
    }

    @Test("cdnCacheable fails on the sample with one offender per problem, each with its fix; allow globs take paths out")
    func budgetCheck() async throws {
        let (result, _) = try await crawlCDNSite()
        let strict = Budget(site: .init(cdnCacheable: .init(level: .error)))
        let check = try #require(strict.evaluate(result).checks.first { $0.name == "cdnCacheable" })
        #expect(check.status == .failed)
        #expect(check.offenders.count == 10)
        #expect(check.offenders.contains("/js/vary-ua.js: VARY_USER_AGENT (Vary: User-Agent): send Vary: Accept-Encoding (one copy for every browser; Client Hints if it must differ)"))
        let allowing = Budget(site: .init(cdnCacheable: .init(level: .warn, allow: ["/js/**", "/img/**", "/css/*.css"])))
        let allowed = try #require(allowing.evaluate(result).checks.first { $0.name == "cdnCacheable" })
        #expect(allowed.status == .passed && allowed.message.contains("(10 allowed by allow)"))
        let decoded = try Budget.decode(Array(#"{"version": 1, "site": {"cdnCacheable": {"level": "warn", "allow": ["/js/**"]}}}"#.utf8))
        #expect(decoded.site.cdnCacheable == .init(level: .warn, allow: ["/js/**"]))
        #expect(throws: BudgetError.self) { try Budget.decode(Array(#"{"version": 1, "site": {"cdnCacheable": {"allowed": []}}}"#.utf8)) }
    }

    @Test("CDN hit/miss headers over real HTTP: X-Cache's last member, CF-Cache-Status, Server-Timing cdn-cache, Age; ratios per page and site; s-maxage and proxy-revalidate")
    func cdnHeaders() async throws {
        let policy = ServerPolicy(rules: [
            .init(match: "a.css", headers: ["X-Cache": "MISS, HIT", "X-Served-By": "cache-fra-1", "Cache-Control": "public, max-age=60, s-maxage=600"]),
            .init(match: "b.js", headers: ["CF-Cache-Status": "MISS", "Cache-Control": "max-age=60, proxy-revalidate"]),
            .init(match: "c.png", headers: ["Server-Timing": "cdn-cache; desc=HIT, edge; dur=1"]),
            .init(match: "d.png", headers: ["Age": "30", "Via": "1.1 varnish"]),
        ]).adding(to: .default)
        let files = ["index.html": #"<link rel="stylesheet" href="a.css"><script src="b.js"></script><img src="c.png"><img src="d.png"><img src="e.png">"#,
                     "a.css": "p{}", "b.js": "1", "c.png": "c", "d.png": "d", "e.png": "e"]
        let (report, base) = try await withTemporarySite(files) { root in
            try await FixtureServer.withFixtureServer(root: root, policy: policy) { base in
                let result = try await crawlOnce(base)
                return (try JSONReport(result: result, audits: SiteAudit.pages(result)).encoded(), base)
            }
        }
        let json = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])
        let resources = Dictionary(uniqueKeysWithValues: (json["resources"] as? [[String: Any]] ?? []).map { ($0["url"] as? String ?? "", $0) })
        func cdn(_ path: String) -> [String: Any] { resources[base.absoluteString + path]?["cdn"] as? [String: Any] ?? [:] }
        func shared(_ path: String) -> [String: Any] { resources[base.absoluteString + path]?["sharedCache"] as? [String: Any] ?? [:] }
        #expect(cdn("a.css")["outcome"] as? String == "hit" && cdn("a.css")["header"] as? String == "X-Cache: MISS, HIT")
        #expect(cdn("a.css")["via"] as? [String] == ["cache-fra-1"])
        #expect(cdn("b.js")["outcome"] as? String == "miss")
        #expect(cdn("c.png")["outcome"] as? String == "hit")
        #expect(cdn("d.png")["outcome"] as? String == "hit" && cdn("d.png")["header"] as? String == "Age: 30")
        #expect(cdn("e.png")["outcome"] is NSNull)
        #expect(shared("a.css")["source"] as? String == "s-maxage" && shared("a.css")["freshSeconds"] as? Int == 600)
        #expect(shared("b.js")["mustRevalidate"] as? Bool == true)
        #expect(shared("d.png")["freshSeconds"] as? Int == 3570, "the default max-age=3600 less the Age of 30")
        let site = try #require((json["site"] as? [String: Any])?["cdnHits"] as? [String: Any])
        #expect(site["hits"] as? Int == 3 && site["misses"] as? Int == 1 && site["ratio"] as? Double == 0.75)
        let page = try #require((json["pages"] as? [[String: Any]])?.first?["cdnHits"] as? [String: Any])
        #expect(page["hits"] as? Int == 3 && page["misses"] as? Int == 1)
    }
}
