import Audit
import CrawlModel
import Testing

@Suite("Freshness per RFC 9111")
struct FreshnessTests {
    static let date = "Sun, 06 Nov 1994 08:49:37 GMT"

    func fresh(_ status: Int, _ headers: [(String, String)]) -> Freshness {
        Freshness(status: status, headers: headers.map { HeaderField(name: $0.0, value: $0.1) })
    }

    func fresh(_ headers: [(String, String)]) -> Freshness { fresh(200, headers) }

    @Test("max-age, and max-age over Expires")
    func maxAge() {
        #expect(fresh([("Cache-Control", "public, max-age=3600")]) == Freshness(seconds: 3600, source: .maxAge))
        #expect(fresh([("Cache-Control", "max-age=60"), ("Date", Self.date), ("Expires", "Sun, 06 Nov 1994 09:49:37 GMT")]).seconds == 60)
        #expect(fresh([("cache-control", "MAX-AGE=\"10\"")]).seconds == 10)
        #expect(fresh([("Cache-Control", "max-age=abc")]) == Freshness(seconds: 0, source: .maxAge), "invalid → stale")
        #expect(fresh([("Cache-Control", "max-age=99999999999999")]).seconds == 2_147_483_648)
    }

    @Test("s-maxage is for shared caches: a browser ignores it")
    func sMaxAge() {
        #expect(fresh([("Cache-Control", "s-maxage=600")]).source == .none)
        #expect(fresh([("Cache-Control", "s-maxage=600, max-age=5")]).seconds == 5)
    }

    @Test("Age is subtracted from the lifetime")
    func age() {
        #expect(fresh([("Cache-Control", "max-age=100"), ("Age", "30")]).seconds == 70)
        #expect(fresh([("Cache-Control", "max-age=100"), ("Age", "300")]).seconds == 0)
    }

    @Test("Expires minus Date; an invalid Expires means already stale")
    func expires() {
        #expect(fresh([("Date", Self.date), ("Expires", "Sun, 06 Nov 1994 09:49:37 GMT")]) == Freshness(seconds: 3600, source: .expires))
        #expect(fresh([("Date", Self.date), ("Expires", "Sunday, 06-Nov-94 08:50:37 GMT")]).seconds == 60, "RFC 850 form")
        #expect(fresh([("Date", Self.date), ("Expires", "Sun Nov  6 08:49:47 1994")]).seconds == 10, "asctime form")
        #expect(fresh([("Date", Self.date), ("Expires", "0")]) == Freshness(seconds: 0, source: .expires))
        #expect(fresh([("Date", Self.date), ("Expires", "Sat, 05 Nov 1994 08:49:37 GMT")]).seconds == 0)
    }

    @Test("no-store beats everything; no-cache means revalidate every time; Pragma only without Cache-Control")
    func noStoreNoCache() {
        #expect(fresh([("Cache-Control", "max-age=600, no-store")]).source == .noStore)
        #expect(fresh([("Cache-Control", "no-cache, max-age=600")]) == Freshness(seconds: 0, source: .noCache))
        #expect(fresh([("Cache-Control", "no-cache=\"Set-Cookie, X-A\"")]).source == .noCache)
        #expect(fresh([("Pragma", "no-cache")]).source == .noCache)
        #expect(fresh([("Pragma", "no-cache"), ("Cache-Control", "max-age=5")]).source == .maxAge)
        #expect(!fresh([("Cache-Control", "no-store")]).isStored)
    }

    @Test("immutable and must-revalidate are recorded")
    func flags() {
        let f = fresh([("Cache-Control", "public, max-age=31536000, immutable")])
        #expect(f.immutable && !f.mustRevalidate && f.seconds == 31_536_000)
        #expect(fresh([("Cache-Control", "max-age=0, must-revalidate")]).mustRevalidate)
    }

    @Test("heuristic: 10% of Date − Last-Modified, only for heuristically cacheable statuses")
    func heuristic() {
        let headers = [("Date", Self.date), ("Last-Modified", "Sun, 06 Nov 1994 06:49:37 GMT")]
        #expect(fresh(200, headers) == Freshness(seconds: 720, source: .heuristic))
        #expect(fresh(404, headers).source == .heuristic)
        #expect(fresh(301, headers).seconds == 720)
        #expect(fresh(302, headers).source == .none, "302 is not heuristically cacheable")
        #expect(fresh(500, headers).source == .none)
        #expect(fresh(200, [("Date", Self.date)]).source == .none, "no Last-Modified")
        #expect(fresh(200, [("Last-Modified", Self.date)]).source == .none, "no Date")
    }
}

@Suite("Bandwidth: first, repeat and expired visits")
struct BandwidthTests {
    static let date = "Sun, 06 Nov 1994 08:49:37 GMT"

    func exchange(_ url: String, status: Int = 200, cacheControl: String?, header: Int = 100, body: Int) -> Exchange {
        var headers = [HeaderField(name: "Date", value: Self.date), HeaderField(name: "ETag", value: "\"e\"")]
        if let cacheControl { headers.append(HeaderField(name: "Cache-Control", value: cacheControl)) }
        return Exchange(url: url, status: status, responseHeaders: headers, headerBytes: header, bodyBytes: body)
    }

    func probe(_ url: String, status: Int, bytes: Int) -> Revalidation {
        Revalidation(ifNoneMatch: Probe(exchange: Exchange(url: url, status: status, headerBytes: bytes, bodyBytes: status == 200 ? 1000 : 0),
                                        verdict: status == 304 ? .INM_304 : .INM_FULL))
    }

    func resource(_ path: String, kind: AssetKind, cacheControl: String?, body: Int, probeStatus: Int? = 304) -> FetchedResource {
        let url = "http://s.test" + path
        return FetchedResource(url: url, kind: kind, exchange: exchange(url, cacheControl: cacheControl, body: body),
                               revalidation: probeStatus.map { probe(url, status: $0, bytes: 80) })
    }

    func ref(_ path: String, _ kind: AssetKind) -> Reference {
        Reference(url: "http://s.test" + path, raw: path, element: "x", attribute: "src", line: 1, kind: kind, role: .requisite)
    }

    @Test("fresh → 0, no-cache → the 304, no-store → the full response, INM_FULL → the full re-send")
    func costs() {
        let fresh = Bandwidth.cost(of: resource("/a", kind: .image, cacheControl: "max-age=60", body: 900))
        #expect((fresh.firstVisitBytes, fresh.repeatVisitBytes, fresh.expiredVisitBytes) == (1000, 0, 80))
        let noCache = Bandwidth.cost(of: resource("/b", kind: .page, cacheControl: "no-cache", body: 900))
        #expect((noCache.repeatVisitBytes, noCache.expiredVisitBytes) == (80, 80))
        let noStore = Bandwidth.cost(of: resource("/c", kind: .script, cacheControl: "no-store", body: 900))
        #expect((noStore.repeatVisitBytes, noStore.expiredVisitBytes) == (1000, 1000))
        let full = Bandwidth.cost(of: resource("/d", kind: .script, cacheControl: nil, body: 900, probeStatus: 200))
        #expect((full.repeatVisitBytes, full.expiredVisitBytes) == (1080, 1080))
        let unprobed = Bandwidth.cost(of: resource("/e", kind: .font, cacheControl: nil, body: 900, probeStatus: nil))
        #expect((unprobed.repeatVisitBytes, unprobed.expiredVisitBytes) == (1000, 1000))
    }

    @Test("a redirect hop is paid again unless it is fresh itself")
    func redirects() {
        var r = resource("/old", kind: .image, cacheControl: "max-age=60", body: 900)
        var hop = exchange("http://s.test/old", status: 301, cacheControl: nil, header: 50, body: 0)
        hop.responseHeaders.append(HeaderField(name: "Location", value: "/new"))
        r.redirects = [hop]
        let c = Bandwidth.cost(of: r)
        #expect((c.firstVisitBytes, c.repeatVisitBytes, c.expiredVisitBytes) == (1050, 50, 130))
    }

    @Test("per page each page counts alone; a visitor walking all pages pays a shared asset once")
    func pagesAndSite() {
        let shared = resource("/shared.css", kind: .stylesheet, cacheControl: "max-age=60", body: 400)
        let font = resource("/f.woff2", kind: .font, cacheControl: "max-age=60", body: 200)
        let p1 = resource("/1", kind: .page, cacheControl: "no-cache", body: 900)
        let p2 = resource("/2", kind: .page, cacheControl: "no-cache", body: 900)
        var result = CrawlResult(startURLs: ["http://s.test/1"])
        result.resources = [shared.url: shared, font.url: font, p1.url: p1, p2.url: p2]
        result.pages = [PageResult(url: p1.url, depth: 0, references: [ref("/shared.css", .stylesheet), ref("/shared.css", .stylesheet)]),
                        PageResult(url: p2.url, depth: 1, references: [ref("/shared.css", .stylesheet)])]
        result.subresourceReferences = [shared.url: [ref("/f.woff2", .font)]]
        let pages = Bandwidth.pages(result)
        let one = pages[p1.url]
        #expect(one?.firstVisitBytes == 1000 + 500 + 300)
        #expect(one?.repeatVisitBytes == 80)
        #expect(one?.expiredVisitBytes == 240)
        #expect(one?.bytesByKind == [.page: 1000, .stylesheet: 500, .font: 300])
        #expect(pages[p2.url]?.firstVisitBytes == 1800)
        let site = Bandwidth.site(result)
        #expect(site.urls == 4)
        #expect(site.firstVisitBytes == 1000 + 1000 + 500 + 300)
        #expect(site.repeatVisitBytes == 160)
        #expect(site.bytesByKind[.page] == 2000)
    }
}
