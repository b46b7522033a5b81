public import CrawlModel

/// Everything the reports say about one page, worked out from the page's slice of the crawl
/// (its requisites and their references) alone.
public struct PageFindings: Sendable {
    public var page: PageResult
    public var audit: PageAudit
    public var cost: PageCost
    public var bandwidth: PageBandwidth
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
        var walked = SeenSet()
        var total = PageBandwidth(url: "", firstVisitBytes: 0, repeatVisitBytes: 0, expiredVisitBytes: 0, bytesByKind: [:])
        var pages = 0
        try records.forEachPage { page in
            pages += 1
            let slice = try CrawlResult.slice(of: page, in: records)
            let findings = self.findings(of: page, in: slice)
            var seen: Set<String> = []
            for url in [page.url] + slice.requisites(of: page) where seen.insert(url).inserted {
                guard let resource = slice.resources[url], walked.insert(url) else { continue }
                total.add(Bandwidth.cost(of: resource), kind: pageURLs.contains(url) ? .page : resource.kind)
            }
            try body(findings)
        }
        return SiteBandwidth(pages: pages, urls: walked.count, firstVisitBytes: total.firstVisitBytes,
                             repeatVisitBytes: total.repeatVisitBytes, expiredVisitBytes: total.expiredVisitBytes,
                             bytesByKind: total.bytesByKind)
    }

    /// One page's findings from a result that holds at least the page's slice.
    public static func findings(of page: PageResult, in slice: CrawlResult) -> PageFindings {
        var one = slice
        one.pages = [page]
        let audit = SiteAudit.pages(one)[0]
        let bandwidth = Bandwidth.analyse(one).pages[page.url]
            ?? PageBandwidth(url: page.url, firstVisitBytes: 0, repeatVisitBytes: 0, expiredVisitBytes: 0, bytesByKind: [:])
        return PageFindings(page: page, audit: audit, cost: SiteAudit.cost(of: page, in: one), bandwidth: bandwidth)
    }
}

extension SiteBandwidth {
    /// A walk of no pages.
    public static let none = SiteBandwidth(pages: 0, urls: 0, firstVisitBytes: 0, repeatVisitBytes: 0, expiredVisitBytes: 0, bytesByKind: [:])
}
