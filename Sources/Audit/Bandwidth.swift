public import CrawlModel

/// What one fetched URL costs a browser on a first visit, on a repeat visit while its
/// freshness lasts, and on a visit after everything has expired. Wire bytes of the
/// responses (headers and bodies, redirect hops included).
///
/// One rule for the cost of revalidating, used by every figure (see ``Bandwidth/cost(of:)``).
public struct ResourceCost: Sendable, Hashable {
    /// Requests of a first visit: the URL and its redirect hops.
    public var requests: Int = 1
    public var firstVisitBytes: Int
    /// Fresh → 0; revalidated by a 304 → the 304's bytes; otherwise the full response again.
    public var repeatVisitBytes: Int
    /// As if every response had expired: 304 bytes where revalidation works, else the full response.
    public var expiredVisitBytes: Int
    public var freshness: Freshness
}

/// What one page costs on the wire, counted alone (as a first visit to the site): the one
/// per-page cost model of the audit, the budgets and the reports.
///
/// The headline figures count what the ``BrowserModel`` says a browser fetches;
/// `firstVisitBytesAllCandidates` every requisite found (each srcset candidate, font format…).
public struct PageBandwidth: Sendable, Hashable {
    public var url: String
    /// Requests of a first visit with an empty cache: the page and what the browser fetches, redirect hops included.
    public var requests: Int = 0
    public var firstVisitBytes: Int
    /// First-visit bytes of every requisite found, chosen or not (an upper bound).
    public var firstVisitBytesAllCandidates: Int = 0
    /// Requisites left out of the headline, with why.
    public var notChosen: [String: String] = [:]
    public var repeatVisitBytes: Int
    public var expiredVisitBytes: Int
    /// First-visit bytes by asset kind (`page`, `stylesheet`, `image`, …).
    public var bytesByKind: [AssetKind: Int]
    /// `expiredVisitBytes` by asset kind.
    public var expiredBytesByKind: [AssetKind: Int] = [:]
}

/// A visitor who walks every crawled page once, paying for each URL only once,
/// as a browser cache would.
public struct SiteBandwidth: Sendable, Hashable {
    public var pages: Int
    public var urls: Int
    public var firstVisitBytes: Int
    /// Every requisite of every page, chosen or not, each URL once.
    public var firstVisitBytesAllCandidates: Int = 0
    public var repeatVisitBytes: Int
    public var expiredVisitBytes: Int
    public var bytesByKind: [AssetKind: Int]
}

/// Pure bandwidth analysis of a `CrawlResult`.
///
/// ```swift
/// let perPage = Bandwidth.pages(result)   // [url: PageBandwidth]
/// let walk = Bandwidth.site(result)       // everything, each URL once
/// ```
public enum Bandwidth {
    /// The three costs of one resource.
    ///
    /// The revalidation rule, the only one in the audit: revalidating a response costs what
    /// the deciding probe's answer cost (``Revalidation/deciding``: If-None-Match when sent, as
    /// a server decides on it when a browser sends both, RFC 9110 §13.1.3), when the server
    /// answered it. A response that is not stored (`no-store`), that never arrived, that was
    /// not probed (no validator, or `--no-revalidate`) or whose probe failed costs its full
    /// size again. Redirect hops are paid in full unless fresh.
    public static func cost(of resource: FetchedResource) -> ResourceCost {
        var first = 0, repeatVisit = 0, expired = 0
        for hop in resource.redirects {
            let f = Freshness(hop)
            first += hop.wireBytes
            repeatVisit += f.isFresh ? 0 : hop.wireBytes
            expired += hop.wireBytes
        }
        let exchange = resource.exchange
        let freshness = Freshness(exchange)
        let full = exchange.wireBytes
        first += full
        let revalidated: Int
        if !freshness.isStored || exchange.status == nil {
            revalidated = full
        } else if let probe = resource.revalidation?.deciding,
                  probe.exchange.status != nil, probe.exchange.error == nil {
            revalidated = probe.exchange.wireBytes
        } else {
            revalidated = full
        }
        repeatVisit += freshness.isFresh && freshness.isStored ? 0 : revalidated
        expired += revalidated
        return ResourceCost(requests: 1 + resource.redirects.count, firstVisitBytes: first, repeatVisitBytes: repeatVisit,
                            expiredVisitBytes: expired, freshness: freshness)
    }

    /// Per page, keyed by page URL: the page and what a browser fetches of its requisites
    /// (``BrowserModel``, at the result's viewport), each counted once, as a visitor whose
    /// first page on the site is this one.
    public static func pages(_ result: CrawlResult) -> [String: PageBandwidth] { analyse(result).pages }

    /// Every URL needed by any crawled page, each paid once: a visitor who walks all pages.
    public static func site(_ result: CrawlResult) -> SiteBandwidth { analyse(result).site }

    /// Both at once, computing each resource's cost and each page's requisites once;
    /// `choices` is the browser model's choice per page URL when the caller has it.
    public static func analyse(_ result: CrawlResult, choices: [String: BrowserChoice]? = nil)
        -> (pages: [String: PageBandwidth], site: SiteBandwidth) {
        // The kind rides along so the page walk needs one lookup per URL, not two.
        var costs: [String: (cost: ResourceCost, kind: AssetKind)] = [:]
        costs.reserveCapacity(result.resources.count)
        for (url, resource) in result.resources { costs[url] = (cost(of: resource), resource.kind) }
        let pageURLs = Set(result.pages.map(\.url))
        let choices = choices ?? BrowserModel.choices(result)
        var out: [String: PageBandwidth] = [:]
        var walk = SiteWalk()
        for page in result.pages {
            let choice = BrowserModel.choice(of: page, in: result, from: choices)
            out[page.url] = walk.add(page, choice: choice, requisites: result.requisites(of: page),
                                     cost: { costs[$0] }, isPage: { pageURLs.contains($0) })
        }
        return (out, walk.site)
    }
}

/// A visitor walking the crawl's pages one after another, each URL paid once: the site
/// figures, gathered page by page (from a whole result or from a store read row by row).
public struct SiteWalk {
    private var total = PageBandwidth(url: "", firstVisitBytes: 0, repeatVisitBytes: 0, expiredVisitBytes: 0, bytesByKind: [:])
    private let walked: any DistinctKeys
    private let walkedAll: any DistinctKeys
    private var allTotal = 0
    private var pages = 0

    /// `keys` makes the sets of URLs walked (``CrawlRecords/makeDistinctKeys()``: on disk for a stored crawl).
    public init(keys: () -> any DistinctKeys = { InMemoryKeys() }) {
        walked = keys()
        walkedAll = keys()
    }

    /// Adds one page; returns its own bandwidth (as a visitor whose first page it is).
    ///
    /// - Parameters:
    ///   - choice: what the browser model fetches of the page's requisites.
    ///   - requisites: every requisite found (``CrawlResult/requisites(of:)``), chosen or not.
    ///   - cost: each URL's cost and kind, nil for a URL not fetched.
    ///   - isPage: whether a URL is a crawled page (counted as `page`, whatever it was referenced as).
    public mutating func add(_ page: PageResult, choice: BrowserChoice, requisites: [String],
                             cost: (String) -> (cost: ResourceCost, kind: AssetKind)?, isPage: (String) -> Bool) -> PageBandwidth {
        pages += 1
        var b = PageBandwidth(url: page.url, firstVisitBytes: 0, repeatVisitBytes: 0, expiredVisitBytes: 0, bytesByKind: [:])
        var seen: Set<String> = []
        for url in choice.chosen where seen.insert(url).inserted {
            guard let (c, resourceKind) = cost(url) else { continue }
            let kind: AssetKind = url == page.url ? .page : resourceKind
            b.add(c, kind: kind)
            if walked.insert(url) { total.add(c, kind: isPage(url) ? .page : kind) }
        }
        var all: Set<String> = []
        for url in [page.url] + requisites + choice.chosen where all.insert(url).inserted {
            guard let c = cost(url)?.cost.firstVisitBytes else { continue }
            b.firstVisitBytesAllCandidates += c
            if walkedAll.insert(url) { allTotal += c }
        }
        b.notChosen = choice.notChosen
        return b
    }

    /// The site figures of the pages added so far.
    public var site: SiteBandwidth {
        SiteBandwidth(pages: pages, urls: walked.count, firstVisitBytes: total.firstVisitBytes,
                      firstVisitBytesAllCandidates: allTotal, repeatVisitBytes: total.repeatVisitBytes,
                      expiredVisitBytes: total.expiredVisitBytes, bytesByKind: total.bytesByKind)
    }
}

extension PageBandwidth {
    mutating func add(_ cost: ResourceCost, kind: AssetKind) {
        requests += cost.requests
        firstVisitBytes += cost.firstVisitBytes
        repeatVisitBytes += cost.repeatVisitBytes
        expiredVisitBytes += cost.expiredVisitBytes
        bytesByKind[kind, default: 0] += cost.firstVisitBytes
        expiredBytesByKind[kind, default: 0] += cost.expiredVisitBytes
    }
}
