public import Audit
public import CrawlModel

/// One pass over a crawl (a store read row by row, or a `CrawlResult`) for everything that
/// must be known before the reports are written: the budget's suites (spooled to a file, one
/// per page), the HTML report's digest, the snapshot a baseline comparison reads, and the
/// terminal summary. Memory: the digests' bounded lists, plus a few numbers per URL for the snapshot.
public struct ChecksPass {
    /// Every suite, the site's first.
    public var spool: CheckSpool
    public var checks: CheckDigest
    /// The crawl as a baseline comparison reads it, when asked for.
    public var snapshot: ReportSnapshot?
    /// What the HTML report shows, when asked for.
    public var html: HTMLDigest?

    /// Reads `records` once (twice over the resources when the site's rules check compression).
    public static func run(_ records: any CrawlRecords, budget: Budget, html wantsHTML: Bool, snapshot wantsSnapshot: Bool,
                           summary: inout CrawlSummary) throws -> ChecksPass {
        var strongest: [String: String] = [:]
        if budget.site.compressText != nil { try records.forEachResource { SiteAudit.noteStrongestCoding($0, in: &strongest) } }
        var run = BudgetRun(budget, strongest: strongest, siteOrigins: SharedCacheFreshness.siteOrigins(records.startURLs))
        let spool = try CheckSpool()
        var html = wantsHTML ? try HTMLDigest(startURLs: records.startURLs, stopReason: records.stopReason) : nil
        html?.viewport = BrowserModel.viewport(of: records)
        var snapshot = wantsSnapshot ? SnapshotBuilder(startURLs: records.startURLs) : nil
        let pageURLs = try records.pageURLs()
        summary.site = try PageByPage.run(records) { f in
            summary.add(f)
            if let suite = run.add(f) { try spool.add(suite) }
            html?.add(f.audit, cost: f.bandwidth, page: f.page, slice: f.slice, isPage: { pageURLs.contains($0) })
            snapshot?.add(f)
        }
        try records.forEachResource { r in
            summary.add(r)
            let isPage = pageURLs.contains(r.url)
            run.add(r, isPage: isPage)
            try html?.add(r, isPage: isPage)
            snapshot?.add(r)
        }
        spool.site = run.siteSuite()
        return ChecksPass(spool: spool, checks: try spool.digest(), snapshot: snapshot?.result, html: html)
    }
}
