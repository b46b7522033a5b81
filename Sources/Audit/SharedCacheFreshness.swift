public import CrawlModel
internal import Foundation
internal import HTTPSemantics

/// How a **shared** cache (a CDN, a proxy) may keep a response, read as RFC 9111 says for
/// shared caches, beside the browser's ``Freshness``: `private` and `Authorization` forbid
/// storing, `s-maxage` wins over `max-age`, `proxy-revalidate` forbids serving it stale.
/// ``problems`` are what keeps a CDN from caching a site's static files well (see
/// ``SharedCacheProblem``).
///
/// ```swift
/// let s = SharedCacheFreshness(resource, siteOrigins: ["http://127.0.0.1:8080"])
/// // s.storable, s.freshSeconds, s.source == .sMaxAge, s.problems.map(\.code)
/// ```
public struct SharedCacheFreshness: Codable, Sendable, Hashable {
    /// Why the response may (not) be stored, and where its lifetime came from.
    public enum Source: String, Codable, Sendable, CaseIterable {
        /// `s-maxage`, which a shared cache takes over `max-age` and `Expires`.
        case sMaxAge = "s-maxage"
        case maxAge = "max-age"
        case expires
        /// 10% of `Date − Last-Modified` (heuristically cacheable status, or `public`).
        case heuristic
        /// Stored, but revalidated before every reuse.
        case noCache = "no-cache"
        /// Not storable: `no-store`.
        case noStore = "no-store"
        /// Not storable by a shared cache: `private`.
        case `private`
        /// Not storable: the request carried `Authorization` and the response has no
        /// `public`, `s-maxage` or `must-revalidate` (RFC 9111 §3.5).
        case authorization
        /// Not storable: a status that is not cacheable by default, without explicit freshness.
        case status
        /// Storable, but nothing gives it a lifetime (no validator-free reuse).
        case none
    }

    public var storable: Bool
    /// Remaining shared-cache lifetime in seconds (lifetime minus `Age`); 0 when not storable.
    public var freshSeconds: Int
    public var source: Source
    /// `must-revalidate` or `proxy-revalidate`: the CDN may never serve it stale.
    public var mustRevalidate: Bool
    /// Problem codes, in the order of ``SharedCacheProblem/Code``.
    public var problems: [SharedCacheProblem]

    /// Reads a resource's final exchange. `siteOrigins` are the crawl's own origins (a font
    /// on any other origin needs `Access-Control-Allow-Origin`).
    public init(_ resource: FetchedResource, siteOrigins: Set<String>) {
        let e = resource.exchange
        let cc = HTTPSemantics.CacheControl(e.responseHeaders.all("Cache-Control"))
        self.init(status: e.status ?? 0, requestHeaders: e.requestHeaders, responseHeaders: e.responseHeaders, cacheControl: cc)
        guard let status = e.status, (200..<300).contains(status) else { return }
        problems = SharedCacheProblem.find(resource, freshness: self, cacheControl: cc, siteOrigins: siteOrigins)
    }

    /// The shared-cache reading of one response's headers (no problems: they need the resource).
    public init(status: Int, requestHeaders: [HeaderField], responseHeaders headers: [HeaderField]) {
        self.init(status: status, requestHeaders: requestHeaders, responseHeaders: headers,
                  cacheControl: HTTPSemantics.CacheControl(headers.all("Cache-Control")))
    }

    /// ``init(status:requestHeaders:responseHeaders:)`` with the `Cache-Control` fields parsed already.
    init(status: Int, requestHeaders: [HeaderField], responseHeaders headers: [HeaderField], cacheControl cc: HTTPSemantics.CacheControl) {
        problems = []
        mustRevalidate = cc.has("must-revalidate") || cc.has("proxy-revalidate")
        func notStorable(_ why: Source) -> (Bool, Int, Source) { (false, 0, why) }
        let sMaxAge = cc.value("s-maxage").flatMap(HTTPSemantics.CacheControl.deltaSeconds)
        let explicit = sMaxAge != nil || cc.maxAge != nil || !headers.all("Expires").isEmpty
        let outcome: (Bool, Int, Source)
        if cc.noStore {
            outcome = notStorable(.noStore)
        } else if cc.has("private") {
            outcome = notStorable(.private)
        } else if requestHeaders.first("Authorization") != nil, !cc.has("public"), sMaxAge == nil, !cc.has("must-revalidate") {
            outcome = notStorable(.authorization)
        } else if !Freshness.heuristicallyCacheable.contains(status), !explicit, !cc.has("public") {
            outcome = notStorable(.status)
        } else if cc.noCache {
            outcome = (true, 0, .noCache)
        } else {
            let age = headers.first("Age").flatMap { HTTPSemantics.CacheControl.deltaSeconds($0.trimmingCharacters(in: .whitespaces)) } ?? 0
            func fresh(_ lifetime: Int, _ source: Source) -> (Bool, Int, Source) { (true, max(0, lifetime - age), source) }
            let date = headers.first("Date").flatMap(HTTPSemantics.HTTPDate.parse)
            if let sMaxAge {
                outcome = fresh(sMaxAge, .sMaxAge)
            } else if cc.has("s-maxage") {
                outcome = fresh(0, .sMaxAge)  // invalid s-maxage: stale (§4.2.1)
            } else if let maxAge = cc.maxAge {
                outcome = fresh(maxAge, .maxAge)
            } else if cc.maxAgeIsInvalid {
                outcome = fresh(0, .maxAge)
            } else if let expires = headers.all("Expires").first {
                let at = HTTPSemantics.HTTPDate.parse(expires)
                outcome = fresh(at.flatMap { a in date.map { a - $0 } } ?? 0, .expires)
            } else if let date, let modified = headers.first("Last-Modified").flatMap(HTTPSemantics.HTTPDate.parse), modified < date {
                outcome = fresh(Int(Double(date - modified) * Freshness.heuristicFraction), .heuristic)
            } else {
                outcome = (true, 0, .none)
            }
        }
        (storable, freshSeconds, source) = outcome
    }

    /// The crawl's own origins (from its start URLs): a font on any other needs CORS.
    public static func siteOrigins(_ startURLs: [String]) -> Set<String> {
        Set(startURLs.compactMap(URL.init(string:)).map(WebURL.origin(of:)))
    }

    /// The lifetime came from the response's own headers (not the heuristic).
    var isExplicit: Bool { [.sMaxAge, .maxAge, .expires].contains(source) }
}
