public import CrawlModel

/// A budget evaluated as a crawl is read: one page's findings at a time (``add(_:)-findings``
/// returns the page's suite at once, to be written out), then every resource
/// (``add(_:isPage:)``) for the site-wide rules. Memory: the site scope's totals and the first
/// offenders of each check, whatever the crawl's size.
public struct BudgetRun: Sendable {
    public let budget: Budget
    private var site: Budget.Scope?
    private let siteOrigins: Set<String>

    /// - Parameter strongest: ``strongestCodings(_:)`` of every resource (the site's `compressText` needs it first).
    /// - Parameter siteOrigins: the crawl's own origins (``SharedCacheFreshness/siteOrigins(_:)``; cross-origin fonts).
    public init(_ budget: Budget, strongest: [String: String], siteOrigins: Set<String> = []) {
        self.budget = budget
        self.siteOrigins = siteOrigins
        if !budget.site.isEmpty {
            site = Budget.Scope(label: "the site", rules: budget.site, strongest: strongest, siteOrigins: siteOrigins)
        }
    }

    /// Per origin, the best coding (br, zstd) the server sent for some file.
    public static func strongestCodings(_ resources: some Sequence<FetchedResource>) -> [String: String] {
        var strongest: [String: String] = [:]
        for r in resources { SiteAudit.noteStrongestCoding(r, in: &strongest) }
        return strongest
    }

    /// The suite of one page (nil when no rule matches its path).
    public mutating func add(_ findings: PageFindings) -> CheckSuite? {
        let audit = findings.audit
        site?.add(broken: audit.broken, budget: budget, deduplicated: true)
        let path = SiteAudit.path(of: audit.url)
        guard let rules = budget.rules(forPath: path) else { return nil }
        let slice = findings.slice
        let resources = ([audit.url] + slice.requisites(of: findings.page).filter { $0 != audit.url }).compactMap { slice.resources[$0] }
        var scope = Budget.Scope(label: path, rules: rules, strongest: Self.strongestCodings(resources), siteOrigins: siteOrigins)
        for r in resources { scope.add(r, isHTML: r.url == audit.url) }
        scope.firstVisitBytes = audit.firstVisitBytes
        scope.requests = findings.bandwidth.requests
        scope.bytesByKind = findings.bandwidth.bytesByKind
        scope.repeatVisitBytes = findings.bandwidth.repeatVisitBytes
        scope.revalidationVisitBytes = findings.bandwidth.expiredVisitBytes
        scope.add(broken: audit.broken, budget: budget, deduplicated: false)
        return CheckSuite(name: path, url: audit.url, checks: budget.checks(rules, scope: scope))
    }

    /// Adds one fetched URL to the site scope; `isPage`: it is a crawled page.
    public mutating func add(_ r: FetchedResource, isPage: Bool) {
        guard site != nil else { return }
        site!.add(r, isHTML: isPage)
        site!.firstVisitBytes += r.wireBytes
        site!.requests += 1 + r.redirects.count
        site!.bytesByKind[isPage ? .page : r.kind, default: 0] += r.wireBytes
        let cost = Bandwidth.cost(of: r)
        site!.repeatVisitBytes += cost.repeatVisitBytes
        site!.revalidationVisitBytes += cost.expiredVisitBytes
    }

    /// The site's suite, once every page and resource was added (nil when the budget has no site rules that run).
    public func siteSuite() -> CheckSuite? {
        guard let site else { return nil }
        let checks = budget.checks(budget.site, scope: site)
        return checks.isEmpty ? nil : CheckSuite(name: "site", url: nil, checks: checks)
    }
}

extension Budget.Rules {
    /// No rule set.
    var isEmpty: Bool { self == Budget.Rules() }
}
