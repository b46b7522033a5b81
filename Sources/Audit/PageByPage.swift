public import CrawlModel

/// Everything the reports say about one page, worked out from the page's slice of the crawl
/// (its requisites and their references) alone.
public struct PageFindings: Sendable {
    public var page: PageResult
    public var audit: PageAudit
    public var cost: PageCost
    public var bandwidth: PageBandwidth
    /// The part of the crawl the page's findings were worked out from: the page, its requisites and their references.
    public var slice: CrawlResult
}

/// The audits of a crawl one page at a time, in URL order, from `CrawlRecords` (a store read
/// row by row, or a `CrawlResult`): memory for one page's slice, not for the whole crawl, and
/// the same numbers as ``SiteAudit/pages(_:)``, ``SiteAudit/costs(_:)`` and
/// ``Bandwidth/analyse(_:)`` give for the whole result.
public enum PageByPage {
    /// Calls `body` with each page's findings; returns the site walk (each URL paid once).
    public static func run(_ records: any CrawlRecords, _ body: (PageFindings) throws -> Void) throws -> SiteBandwidth {
        var pageURLs = SeenSet()
        try records.forEachPageURL { pageURLs.insert($0) }
        let viewport = BrowserModel.viewport(of: records)
        var walk = SiteWalk()
        try records.forEachPage { page in
            let slice = try CrawlResult.slice(of: page, in: records)
            let choice = BrowserModel.choose(page, in: slice, viewport: viewport)
            let bandwidth = walk.add(page, choice: choice, requisites: slice.requisites(of: page),
                                     cost: { url in slice.resources[url].map { (Bandwidth.cost(of: $0), $0.kind) } },
                                     isPage: { pageURLs.contains($0) })
            try body(findings(of: page, in: slice, bandwidth: bandwidth))
        }
        return walk.site
    }

    /// One page's findings from a result that holds at least the page's slice.
    public static func findings(of page: PageResult, in slice: CrawlResult, bandwidth: PageBandwidth? = nil) -> PageFindings {
        var one = slice
        one.pages = [page]
        let audit = SiteAudit.pages(one)[0]
        let bandwidth = bandwidth ?? Bandwidth.analyse(one).pages[page.url]
            ?? PageBandwidth(url: page.url, firstVisitBytes: 0, repeatVisitBytes: 0, expiredVisitBytes: 0, bytesByKind: [:])
        return PageFindings(page: page, audit: audit, cost: SiteAudit.cost(of: page, in: one), bandwidth: bandwidth, slice: slice)
    }
}

extension SiteBandwidth {
    /// A walk of no pages.
    public static let none = SiteBandwidth(pages: 0, urls: 0, firstVisitBytes: 0, repeatVisitBytes: 0, expiredVisitBytes: 0, bytesByKind: [:])
}
