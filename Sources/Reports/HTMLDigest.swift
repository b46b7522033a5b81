public import Audit
public import CrawlModel
internal import CrawlStore

/// What the HTML report shows, gathered one page and one resource at a time: bounded whatever
/// the crawl's size. Every page and URL while there are few; past the limits, the heaviest
/// pages (``chartPages``), the first ``tableRows`` rows of each table in URL order (the full
/// tables are in the JSON report), the 15 largest assets, the largest groups of duplicate
/// bodies, and the first 400 nodes of the asset graph. Totals are always exact.
public struct HTMLDigest {
    /// Pages drawn in the bytes chart: all of them up to this, else the heaviest this many.
    public static let chartPages = 100
    /// Rows of each per-page or per-URL table.
    public static let tableRows = 1000
    public static let largestShown = 15
    public static let duplicatesShown = 15

    let startURLs: [String]
    let stopReason: StopReason?
    let origin: String
    var viewport: Viewport = .desktop
    private(set) var pages = 0
    private(set) var resources = 0
    private(set) var totalWire = 0
    private(set) var probes = 0
    private(set) var probes304 = 0
    /// The first pages' costs in URL order, and the heaviest pages' (heaviest first).
    private(set) var costs: [PageBandwidth] = []
    private(set) var heaviest: [PageBandwidth] = []
    private(set) var modelRows: [PageAudit] = []
    private(set) var broken: [BrokenReference] = []
    private(set) var brokenCount = 0
    private(set) var verdictCounts: [AssetKind: [String: Int]] = [:]
    /// The first rows of the every-URL table, rendered.
    private(set) var urlRows: [String] = []
    private(set) var largest: [FetchedResource] = []
    /// The first ``tableRows`` shared-cache problems in URL order, their count, and the CDN hit ratio.
    private(set) var sharedCacheRows: [(url: String, problem: SharedCacheProblem)] = []
    private(set) var sharedCacheCount = 0
    private(set) var cdnHits = CDNHitRatio()
    private let siteOrigins: Set<String>
    var graph: GraphWindow
    private let digests: ScratchTable
    /// What the site's checks said; nil when there are none to show.
    public var checks: CheckDigest?

    public init(startURLs: [String], stopReason: StopReason?) throws {
        self.startURLs = startURLs
        self.stopReason = stopReason
        origin = startURLs.first.map { SiteAudit.origin(of: $0) } ?? ""
        siteOrigins = SharedCacheFreshness.siteOrigins(startURLs)
        graph = GraphWindow(limit: HTMLReport.graphLimit, startURLs: startURLs)
        digests = try ScratchTable()
    }

    func short(_ url: String) -> String { !origin.isEmpty && url.hasPrefix(origin + "/") ? String(url.dropFirst(origin.count)) : url }

    /// Adds one page, in URL order: its audit, cost and slice (the part of the crawl it reaches).
    public mutating func add(_ audit: PageAudit, cost: PageBandwidth, page: PageResult, slice: CrawlResult, isPage: (String) -> Bool) {
        pages += 1
        if costs.count < Self.chartPages { costs.append(cost) }
        let weight = { (c: PageBandwidth) in c.bytesByKind.values.reduce(0, +) }
        let at = heaviest.partitioningIndex { weight($0) < weight(cost) }
        if at < Self.chartPages {
            heaviest.insert(cost, at: at)
            if heaviest.count > Self.chartPages { heaviest.removeLast() }
        }
        if modelRows.count < Self.tableRows { modelRows.append(audit) }
        brokenCount += audit.broken.count
        for b in audit.broken where broken.count < Self.tableRows { broken.append(b) }
        graph.add(page, in: slice, isPage: isPage)
    }

    /// Adds one fetched URL, in URL order; `isPage`: it is a crawled page.
    public mutating func add(_ r: FetchedResource, isPage: Bool) throws {
        resources += 1
        totalWire += r.wireBytes
        for probe in r.revalidation?.probes ?? [] {
            probes += 1
            if probe.exchange.status == 304 { probes304 += 1 }
        }
        let kind = isPage ? AssetKind.page : r.kind
        for v in HTMLReport.verdictNames(r) { verdictCounts[kind, default: [:]][v, default: 0] += 1 }
        if urlRows.count < Self.tableRows { urlRows.append(HTMLReport.urlRow(r, short: short)) }
        cdnHits.merge(CDNHitRatio.of(CollectionOfOne(r)))
        for problem in SharedCacheFreshness(r, siteOrigins: siteOrigins).problems {
            sharedCacheCount += 1
            if sharedCacheRows.count < Self.tableRows { sharedCacheRows.append((r.url, problem)) }
        }
        let at = largest.partitioningIndex { ($0.wireBytes, r.url) < (r.wireBytes, $0.url) }
        if at < Self.largestShown {
            largest.insert(r, at: at)
            if largest.count > Self.largestShown { largest.removeLast() }
        }
        if let digest = r.bodyDigest, r.exchange.status == 200, r.exchange.bodyBytes > 0 {
            try digests.group(digest, r.url, bytes: r.wireBytes)
        }
    }

    /// Bodies fetched at more than one URL, most wasted bytes first.
    func duplicates() throws -> [ScratchTable.Group] { try digests.largestGroups(limit: Self.duplicatesShown) }
}
