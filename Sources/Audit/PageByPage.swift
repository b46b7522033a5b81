public import CrawlModel

/// Everything the reports say about one page, worked out from the page's slice of the crawl
/// (its requisites and their references) alone.
public struct PageFindings: Sendable {
    public var page: PageResult
    public var audit: PageAudit
    public var bandwidth: PageBandwidth
    /// What the browser model fetches of the page: worked out once, shared by every figure here.
    public var choice: BrowserChoice
    /// The part of the crawl the page's findings were worked out from: the page, its requisites and their references.
    public var slice: CrawlResult
    /// The page's requisites in walk order (``CrawlResult/requisites(of:)``), worked out once.
    public var requisites: [String]

    /// CDN hits and misses over the page and its requisites (``CDNHitRatio/ofPage(_:in:)``):
    /// worked out when a report asks (the JSON report does, the terminal summary does not).
    public var cdnHits: CDNHitRatio {
        var memo = URLMemo<CDNHitRatio>()
        return cdnHits(memo: &memo)
    }

    /// ``cdnHits``, each URL's share taken from `memo` (filled as needed): a walk over many
    /// pages works out a shared requisite's headers once.
    public func cdnHits(memo: inout URLMemo<CDNHitRatio>) -> CDNHitRatio {
        var seen: Set<String> = []
        var total = CDNHitRatio()
        for url in [page.url] + requisites where seen.insert(url).inserted {
            guard let resource = slice.resources[url] else { continue }
            total.merge(memo.value(for: url) { CDNHitRatio.of([resource]) })
        }
        return total
    }
}

/// The audits of a crawl one page at a time, in URL order, from `CrawlRecords` (a store read
/// row by row, or a `CrawlResult`): memory for one page's slice, not for the whole crawl, and
/// the same numbers as ``SiteAudit/pages(_:)`` and ``Bandwidth/analyse(_:)`` give for the whole result.
public enum PageByPage {
    /// Calls `body` with each page's findings; returns the site walk (each URL paid once).
    public static func run(_ records: any CrawlRecords, _ body: (PageFindings) throws -> Void) throws -> SiteBandwidth {
        let pageURLs = try records.pageURLs()
        let viewport = BrowserModel.viewport(of: records)
        var walk = SiteWalk(keys: records.makeDistinctKeys)
        // The site's stylesheets, scripts and fonts are shared by its pages: their selectors are
        // parsed, and their costs (freshness, dates) and audit figures worked out, once, not once per page.
        var selectors = SelectorCache()
        var costs = URLMemo<(cost: ResourceCost, kind: AssetKind)?>()
        var facts = URLMemo<AuditFacts?>()
        try records.forEachPage { page in
            let slice = try CrawlResult.slice(of: page, in: records)
            let requisites = slice.requisites(of: page)
            let choice = BrowserModel.choose(page, in: slice, viewport: viewport, selectors: &selectors, requisites: requisites)
            let bandwidth = walk.add(page, choice: choice, requisites: requisites,
                                     cost: { url in costs.value(for: url) { slice.resources[url].map { (Bandwidth.cost(of: $0), $0.kind) } } },
                                     isPage: { pageURLs.contains($0) })
            let audit = SiteAudit.audit(page, in: slice, requisites: requisites, choice: choice,
                                        facts: { url in facts.value(for: url) { slice.resources[url].map(AuditFacts.init) } })
            try body(PageFindings(page: page, audit: audit, bandwidth: bandwidth, choice: choice, slice: slice, requisites: requisites))
        }
        return walk.site
    }
}

/// What one URL gives every page that shares it (its cost, its audit figures, its CDN
/// status), worked out once; bounded as the store reader's cache is (past the limit it starts over).
public struct URLMemo<Value> {
    private var known: [String: Value] = [:]
    /// Entries kept before it starts over (shared requisites come back at once).
    public static var limit: Int { 4096 }

    public init() {}

    /// The value for `url`, from `make` the first time it is asked for.
    public mutating func value(for url: String, _ make: () -> Value) -> Value {
        if let cached = known[url] { return cached }
        let made = make()
        if known.count >= Self.limit { known.removeAll(keepingCapacity: true) }
        known[url] = made
        return made
    }
}

extension CrawlRecords {
    /// The URL of every page, as distinct keys (on disk for a stored crawl), for `isPage` questions.
    public func pageURLs() throws -> any DistinctKeys {
        let keys = makeDistinctKeys()
        try forEachPageURL { _ = keys.insert($0) }
        return keys
    }
}

extension SiteBandwidth {
    /// A walk of no pages.
    public static let none = SiteBandwidth(pages: 0, urls: 0, firstVisitBytes: 0, repeatVisitBytes: 0, expiredVisitBytes: 0, bytesByKind: [:])
}
