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
    public static func pages(_ result: CrawlResult) -> [PageAudit] {
        // What each URL adds to a page, worked out once: shared requisites appear on many
        // pages, and copying a resource (and its probes) out for each was most of the pass.
        var summaries: [String: (wireBytes: Int, ok304: Int, full200: Int)] = [:]
        summaries.reserveCapacity(result.resources.count)
        for (url, resource) in result.resources {
            var ok304 = 0, full200 = 0
            if let revalidation = resource.revalidation {
                for probe in revalidation.probes {
                    let status = probe.exchange.status
                    if status == 304 { ok304 += 1 } else if status == 200 { full200 += 1 }
                }
            }
            summaries[url] = (resource.wireBytes, ok304, full200)
        }
        let viewport = BrowserModel.viewport(of: result)
        return result.pages.sorted { $0.url < $1.url }.map { page in
            let requisites = result.requisites(of: page)
            let choice = BrowserModel.choose(page, in: result, viewport: viewport)
            var all = summaries[page.url]?.wireBytes ?? 0
            var ok304 = 0, full200 = 0
            for url in [page.url] + requisites {
                guard let summary = summaries[url] else { continue }
                if url != page.url { all += summary.wireBytes }
                ok304 += summary.ok304
                full200 += summary.full200
            }
            let chosen = Set(choice.chosen)
            let bytes = chosen.reduce(0) { $0 + (summaries[$1]?.wireBytes ?? 0) }
            all += chosen.subtracting(requisites + [page.url]).reduce(0) { $0 + (summaries[$1]?.wireBytes ?? 0) }
            return PageAudit(url: page.url, status: result.resources[page.url]?.exchange.status,
                             requisites: requisites.sorted(), firstVisitBytes: bytes,
                             firstVisitBytesAllCandidates: all, notChosen: choice.notChosen,
                             revalidated304: ok304, revalidated200: full200, broken: broken(in: page, result: result))
        }
    }

    /// Requisites of a page (direct, or through its CSS) whose fetch failed.
    public static func broken(in page: PageResult, result: CrawlResult) -> [BrokenReference] {
        var out: [BrokenReference] = []
        var seen: Set<String> = []
        func visit(_ references: [Reference]) {
            // The implicit /favicon.ico is not something the page names: its 404 is not a broken reference.
            for ref in references where ref.isFetchableRequisite && ref.condition?["implicit"] == nil {
                guard let url = ref.url, seen.insert(url).inserted, let resource = result.resources[url] else { continue }
                if let failure = resource.failure {
                    out.append(BrokenReference(page: page.url, url: url, element: ref.element, attribute: ref.attribute,
                                               line: ref.line, reason: failure.description))
                }
                visit(result.subresourceReferences[resource.exchange.url] ?? [])
            }
        }
        visit(page.references)
        return out.sorted { ($0.url, $0.element) < ($1.url, $1.element) }
    }
}
