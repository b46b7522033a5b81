public import Audit
public import CrawlModel

/// What the terminal summary shows, gathered page by page and resource by resource: bounded
/// whatever the crawl's size (every row of a small crawl, else the heaviest pages; the first
/// broken references and how many there are; counts).
public struct CrawlSummary: Sendable {
    /// Up to this many pages, the table lists them all.
    public static let allRowsUpTo = 20
    /// Past that, it lists the heaviest pages (by first-visit bytes).
    public static let heaviestShown = 10
    public static let brokenShown = 20

    public struct Row: Sendable {
        public var url: String
        public var requisites: Int
        public var firstVisitBytes: Int
        public var repeatVisitBytes: Int
        public var revalidated304: Int
        public var revalidated200: Int
        public var broken: Int
    }

    public var startURLs: [String]
    public var stopReason: StopReason?
    public private(set) var pages = 0
    /// Rows in URL order: every page while there are few (or all, with `keepAllRows`).
    public private(set) var rows: [Row] = []
    /// The heaviest pages, heaviest first.
    public private(set) var heaviest: [Row] = []
    public private(set) var broken: [BrokenReference] = []
    public private(set) var brokenCount = 0
    public private(set) var resources = 0
    public private(set) var failed = 0
    public private(set) var wireBytes = 0
    public private(set) var probes = 0
    public private(set) var probes304 = 0
    /// How the probes were answered, by verdict (notes included).
    public private(set) var verdicts: [RevalidationVerdict: Int] = [:]
    public var site: SiteBandwidth?
    /// The viewport the browser model assumed for the first-visit figures.
    public var viewport: Viewport = .desktop
    /// Keep every row (`--pages-table`): memory grows with the number of pages.
    public var keepAllRows: Bool

    public init(startURLs: [String], stopReason: StopReason?, keepAllRows: Bool = false) {
        self.startURLs = startURLs
        self.stopReason = stopReason
        self.keepAllRows = keepAllRows
    }

    /// The table shows every page.
    public var showsAllPages: Bool { keepAllRows || pages <= Self.allRowsUpTo }

    public mutating func add(_ findings: PageFindings) {
        add(findings.audit, repeatVisitBytes: findings.bandwidth.repeatVisitBytes)
    }

    mutating func add(_ audit: PageAudit, repeatVisitBytes: Int) {
        pages += 1
        let row = Row(url: audit.url, requisites: audit.requisites.count, firstVisitBytes: audit.firstVisitBytes,
                      repeatVisitBytes: repeatVisitBytes, revalidated304: audit.revalidated304,
                      revalidated200: audit.revalidated200, broken: audit.broken.count)
        if keepAllRows || rows.count <= Self.allRowsUpTo { rows.append(row) }
        if heaviest.count < Self.heaviestShown || row.firstVisitBytes > heaviest[heaviest.count - 1].firstVisitBytes {
            let at = heaviest.firstIndex { $0.firstVisitBytes < row.firstVisitBytes } ?? heaviest.count
            heaviest.insert(row, at: at)
            if heaviest.count > Self.heaviestShown { heaviest.removeLast() }
        }
        brokenCount += audit.broken.count
        for b in audit.broken where broken.count < Self.brokenShown { broken.append(b) }
    }

    public mutating func add(_ resource: FetchedResource) { add(ResourceTally(resource)) }

    public mutating func add(_ tally: ResourceTally) {
        resources += 1
        if tally.failed { failed += 1 }
        wireBytes += tally.wireBytes
        for probe in tally.probes {
            probes += 1
            if probe.status == 304 { probes304 += 1 }
            for verdict in probe.verdicts { verdicts[verdict, default: 0] += 1 }
        }
    }

    /// The summary of an in-memory crawl, from its audits (in URL order).
    public init(result: CrawlResult, audits: [PageAudit], site: (pages: [String: PageBandwidth], site: SiteBandwidth), keepAllRows: Bool = false) {
        self.init(startURLs: result.startURLs, stopReason: result.stopReason, keepAllRows: keepAllRows)
        for audit in audits { add(audit, repeatVisitBytes: site.pages[audit.url]?.repeatVisitBytes ?? audit.firstVisitBytes) }
        for resource in result.resources.values { add(resource) }
        self.site = site.site
        viewport = BrowserModel.viewport(of: result)
    }
}
