import CrawlModel
import Testing
@testable import Audit

@Suite("Shared-cache freshness and CDN headers, read from header lists (the real-HTTP tests are in SharedCacheTests)")
struct SharedCacheFreshnessTests {
    func read(status: Int = 200, request: [(String, String)] = [], _ response: [(String, String)]) -> SharedCacheFreshness {
        SharedCacheFreshness(status: status, requestHeaders: request.map { HeaderField(name: $0.0, value: $0.1) },
                             responseHeaders: response.map { HeaderField(name: $0.0, value: $0.1) })
    }

    @Test("storable or not: private, no-store, Authorization unless public/s-maxage/must-revalidate, statuses not cacheable by default")
    func storable() {
        #expect(read([("Cache-Control", "private, max-age=60")]).source == .private)
        #expect(read([("Cache-Control", "no-store, max-age=60")]).source == .noStore)
        let auth = [("Authorization", "Basic dTpw")]
        #expect(read(request: auth, [("Cache-Control", "max-age=60")]).source == .authorization)
        #expect(read(request: auth, [("Cache-Control", "public, max-age=60")]).storable)
        #expect(read(request: auth, [("Cache-Control", "s-maxage=60")]).source == .sMaxAge)
        #expect(read(request: auth, [("Cache-Control", "max-age=60, must-revalidate")]).storable)
        #expect(read(status: 500, []).source == .status && !read(status: 500, []).storable)
        #expect(read(status: 500, [("Cache-Control", "max-age=60")]).storable, "explicit freshness makes any status storable")
        #expect(read([("Cache-Control", "no-cache")]).source == .noCache && read([("Cache-Control", "no-cache")]).storable)
    }

    @Test("lifetime: s-maxage over max-age over Expires, an invalid s-maxage is stale, Age subtracts, heuristic 10%")
    func lifetime() {
        let date = "Tue, 01 Dec 2026 12:00:00 GMT"
        let s = read([("Cache-Control", "max-age=60, s-maxage=600"), ("Age", "100"), ("Expires", "Wed, 02 Dec 2026 12:00:00 GMT"), ("Date", date)])
        #expect(s.source == .sMaxAge && s.freshSeconds == 500)
        #expect(read([("Cache-Control", "s-maxage=soon, max-age=60")]).freshSeconds == 0)
        #expect(read([("Expires", "Tue, 01 Dec 2026 13:00:00 GMT"), ("Date", date)]).freshSeconds == 3600)
        let h = read([("Date", date), ("Last-Modified", "Sat, 21 Nov 2026 12:00:00 GMT")])
        #expect(h.source == .heuristic && h.freshSeconds == 86_400)
        #expect(read([("Cache-Control", "max-age=60, proxy-revalidate")]).mustRevalidate)
    }

    @Test("versioned URLs: a content hash, a version in the query or a version number in the path")
    func versioned() {
        for url in ["http://h.test/app.3f9a1c2e.js", "http://h.test/app.js?v=3", "http://h.test/lib/jquery-3.7.1.min.js",
                    "http://h.test/v2/app.js", "http://h.test/1.4.0/app.js"] {
            #expect(SharedCacheProblem.isVersioned(url), "\(url)")
        }
        for url in ["http://h.test/app.js", "http://h.test/img/r-800.png", "http://h.test/img/logo@2x.png", "http://h.test/video/v.mp4"] {
            #expect(!SharedCacheProblem.isVersioned(url), "\(url)")
        }
    }

    @Test("CDN status: Cloudflare, Server-Timing, X-Cache (last member), CloudFront's wording, Age; Via and X-Served-By only name caches")
    func cdnStatus() {
        func status(_ h: [(String, String)]) -> CDNCacheStatus { CDNCacheStatus(h.map { HeaderField(name: $0.0, value: $0.1) }) }
        #expect(status([("CF-Cache-Status", "HIT")]).outcome == .hit)
        #expect(status([("CF-Cache-Status", "DYNAMIC")]).outcome == .miss)
        #expect(status([("Server-Timing", "cdn-cache; desc=MISS")]).outcome == .miss)
        #expect(status([("Server-Timing", "cdn-cache-hit, edge; dur=2")]).outcome == .hit)
        #expect(status([("X-Cache", "HIT, MISS")]).outcome == .miss, "the edge nearest the client decides")
        #expect(status([("X-Cache", "RefreshHit from cloudfront")]).outcome == .hit)
        #expect(status([("Age", "0"), ("Via", "1.1 varnish")]).outcome == nil)
        #expect(status([("Age", "0"), ("Via", "1.1 varnish")]).via == ["1.1 varnish"])
        var ratio = CDNHitRatio()
        for s in [status([("Age", "5")]), status([("X-Cache", "MISS")]), status([])] { ratio.add(s) }
        #expect(ratio == CDNHitRatio(hits: 1, misses: 1, unknown: 1) && ratio.ratio == 0.5)
    }
}
