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

    /// CDN hits and misses over the page and its requisites (``CDNHitRatio/ofPage(_:in:)``):
    /// worked out when a report asks (the JSON report does, the terminal summary does not).
    public var cdnHits: CDNHitRatio { CDNHitRatio.ofPage(page, in: slice) }
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
        // parsed and their costs (freshness, dates) worked out once, not once per page.
        var selectors = SelectorCache()
        var costs = ResourceCosts()
        try records.forEachPage { page in
            let slice = try CrawlResult.slice(of: page, in: records)
            let choice = BrowserModel.choose(page, in: slice, viewport: viewport, selectors: &selectors)
            let bandwidth = walk.add(page, choice: choice, requisites: slice.requisites(of: page),
                                     cost: { url in costs.cost(of: url, in: slice) },
                                     isPage: { pageURLs.contains($0) })
            try body(findings(of: page, in: slice, choice: choice, bandwidth: bandwidth))
        }
        return walk.site
    }

    /// One page's findings from a result that holds at least the page's slice; `choice` is the
    /// browser model's for the page when the caller has it.
    public static func findings(of page: PageResult, in slice: CrawlResult, choice: BrowserChoice? = nil,
                                bandwidth: PageBandwidth? = nil) -> PageFindings {
        var one = slice
        one.pages = [page]
        let choice = choice ?? BrowserModel.choose(page, in: one, viewport: BrowserModel.viewport(of: one))
        let audit = SiteAudit.pages(one, choices: [page.url: choice])[0]
        let bandwidth = bandwidth ?? Bandwidth.analyse(one, choices: [page.url: choice]).pages[page.url]
            ?? PageBandwidth(url: page.url, firstVisitBytes: 0, repeatVisitBytes: 0, expiredVisitBytes: 0, bytesByKind: [:])
        return PageFindings(page: page, audit: audit, bandwidth: bandwidth, choice: choice, slice: slice)
    }
}

/// Each URL's ``Bandwidth/cost(of:)`` and kind, worked out once for every page that shares it;
/// bounded as the store reader's cache is (past the limit it starts over).
struct ResourceCosts {
    private var known: [String: (cost: ResourceCost, kind: AssetKind)?] = [:]
    static let limit = 4096

    /// The cost of the resource `slice` holds for `url`, nil when it was not fetched.
    mutating func cost(of url: String, in slice: CrawlResult) -> (cost: ResourceCost, kind: AssetKind)? {
        if let cached = known[url] { return cached }
        let found = slice.resources[url].map { (Bandwidth.cost(of: $0), $0.kind) }
        if known.count >= Self.limit { known.removeAll(keepingCapacity: true) }
        known[url] = .some(found)
        return found
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
