public import CrawlModel
internal import Foundation

/// A reference whose fetch failed, with where it came from.
public struct BrokenReference: Sendable, Hashable, Codable {
    public var page: String
    public var url: String
    public var element: String
    public var attribute: String
    public var line: Int?
    public var reason: String
}

/// What one page costs and how well its assets revalidate.
public struct PageAudit: Sendable {
    public var url: String
    public var status: Int?
    /// Absolute URLs of every requisite, transitively through CSS and manifests, sorted.
    public var requisites: [String]
    /// Wire bytes (headers and body, redirects included) of the page and what a browser
    /// fetches of its requisites (``BrowserModel``): the headline.
    public var firstVisitBytes: Int
    /// The same over every requisite found, chosen or not.
    public var firstVisitBytesAllCandidates: Int
    /// Requisites left out of the headline, with why (`srcset candidate 480w`, `noscript`, …).
    public var notChosen: [String: String]
    /// Conditional probes of the page and its requisites answered 304.
    public var revalidated304: Int
    /// Conditional probes answered 200 (a full re-send).
    public var revalidated200: Int
    public var broken: [BrokenReference]
}

/// Pure analysis of a `CrawlResult`.
public enum SiteAudit {
    /// The path and query of a URL (`/blog/post-1.html`), which budgets and diffs match on.
    public static func path(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        if let query = components.percentEncodedQuery { path += "?" + query }
        return path
    }

    /// One audit per crawled page, in URL order.
    ///
    /// - Parameter choices: the browser model's choice per page URL (``BrowserModel/choices(_:)``),
    ///   when the caller has it already; worked out here otherwise.
    public static func pages(_ result: CrawlResult, choices: [String: BrowserChoice]? = nil) -> [PageAudit] {
        // What each URL adds to a page, worked out once: shared requisites appear on many
        // pages, and copying a resource (and its probes) out for each was most of the pass.
        var facts: [String: AuditFacts] = [:]
        facts.reserveCapacity(result.resources.count)
        for (url, resource) in result.resources { facts[url] = AuditFacts(resource) }
        let choices = choices ?? BrowserModel.choices(result)
        return result.pages.sorted { $0.url < $1.url }.map { page in
            audit(page, in: result, requisites: result.requisites(of: page),
                  choice: BrowserModel.choice(of: page, in: result, from: choices), facts: { facts[$0] })
        }
    }

    /// One page's audit, from its requisites (``CrawlResult/requisites(of:)``), the browser
    /// model's choice, and each URL's ``AuditFacts`` (nil for a URL not fetched): the caller
    /// works out what pages share once, not once per page.
    public static func audit(_ page: PageResult, in result: CrawlResult, requisites: [String], choice: BrowserChoice,
                             facts: (String) -> AuditFacts?) -> PageAudit {
        let own = facts(page.url)
        var all = own?.wireBytes ?? 0
        var ok304 = own?.ok304 ?? 0, full200 = own?.full200 ?? 0
        for url in requisites {
            guard let summary = facts(url) else { continue }
            if url != page.url { all += summary.wireBytes }
            ok304 += summary.ok304
            full200 += summary.full200
        }
        let chosen = Set(choice.chosen)
        let bytes = chosen.reduce(0) { $0 + (facts($1)?.wireBytes ?? 0) }
        let listed = Set(requisites).union([page.url])
        all += chosen.subtracting(listed).reduce(0) { $0 + (facts($1)?.wireBytes ?? 0) }
        return PageAudit(url: page.url, status: own?.status,
                         requisites: requisites.sorted(), firstVisitBytes: bytes,
                         firstVisitBytesAllCandidates: all, notChosen: choice.notChosen,
                         revalidated304: ok304, revalidated200: full200, broken: broken(in: page, result: result))
    }

    /// Requisites of a page (direct, or through its CSS) whose fetch failed.
    public static func broken(in page: PageResult, result: CrawlResult) -> [BrokenReference] {
        var out: [BrokenReference] = []
        var seen: Set<String> = []
        // Depth first with a stack of its own: the page decides how deep its stylesheets
        // import each other, and a recursion 20,000 imports deep overflowed the thread's stack.
        var stack: [(references: [Reference], next: Int)] = [(page.references, 0)]
        while let top = stack.indices.last {
            guard stack[top].next < stack[top].references.count else { stack.removeLast(); continue }
            let ref = stack[top].references[stack[top].next]
            stack[top].next += 1
            // The implicit /favicon.ico is not something the page names: its 404 is not a broken reference.
            guard ref.isFetchableRequisite, ref.condition?["implicit"] == nil, let url = ref.url, seen.insert(url).inserted,
                  let resource = result.resources[url] else { continue }
            if let failure = resource.failure {
                out.append(BrokenReference(page: page.url, url: url, element: ref.element, attribute: ref.attribute,
                                           line: ref.line, reason: failure.description))
            }
            stack.append((result.subresourceReferences[resource.exchange.url] ?? [], 0))
        }
        return out.sorted { ($0.url, $0.element) < ($1.url, $1.element) }
    }
}

/// What one fetched URL adds to the audit of every page that reaches it: its wire bytes, its
/// status, and how its conditional probes were answered.
public struct AuditFacts: Sendable {
    public var wireBytes: Int
    public var status: Int?
    public var ok304 = 0
    public var full200 = 0

    public init(_ resource: FetchedResource) {
        wireBytes = resource.wireBytes
        status = resource.exchange.status
        for probe in resource.revalidation?.probes ?? [] {
            let status = probe.exchange.status
            if status == 304 { ok304 += 1 } else if status == 200 { full200 += 1 }
        }
    }
}
