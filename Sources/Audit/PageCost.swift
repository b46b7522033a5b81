public import CrawlModel
internal import Foundation

/// What a page costs on the wire, split by asset kind, and what a repeat visit could cost.
public struct PageCost: Sendable, Equatable {
    public var url: String
    /// Requests of a first visit with an empty cache: the page and every requisite, redirect hops included.
    public var requests: Int
    /// Wire bytes of a first visit by the kind of what was fetched (`page` for the page itself).
    public var firstVisitBytesByKind: [AssetKind: Int]
    /// Upper bound of a repeat visit: every cached response revalidated (what the probes
    /// answered), and a full download for what has no validator, is `no-store` or failed.
    public var revalidationVisitBytes: Int
    /// `revalidationVisitBytes` by kind.
    public var revalidationBytesByKind: [AssetKind: Int]
    /// Bytes of a repeat visit with a warm cache, taking freshness into account (RFC 9111):
    /// fresh responses cost nothing, stale ones what their revalidation cost (see `Bandwidth`).
    public var repeatVisitBytes: Int
}

extension SiteAudit {
    /// One cost per page, in the same (URL) order as `pages(_:)`.
    ///
    /// - Parameter choices: the browser model's choice per page URL, when the caller has it.
    public static func costs(_ result: CrawlResult, choices: [String: BrowserChoice]? = nil) -> [PageCost] {
        let choices = choices ?? BrowserModel.choices(result)
        return result.pages.sorted { $0.url < $1.url }.map { page in
            cost(of: page, in: result, choice: BrowserModel.choice(of: page, in: result, from: choices))
        }
    }

    /// What a browser fetches of the page (``BrowserModel`` at the result's viewport) costs;
    /// `choice` is the model's choice for the page when the caller has it.
    public static func cost(of page: PageResult, in result: CrawlResult, choice: BrowserChoice? = nil) -> PageCost {
        var requests = 0
        var first: [AssetKind: Int] = [:]
        var again: [AssetKind: Int] = [:]
        var repeatVisit = 0
        let choice = choice ?? BrowserModel.choose(page, in: result, viewport: BrowserModel.viewport(of: result))
        for url in choice.chosen {
            guard let resource = result.resources[url] else { continue }
            let kind: AssetKind = url == page.url ? .page : resource.kind
            requests += 1 + resource.redirects.count
            first[kind, default: 0] += resource.wireBytes
            again[kind, default: 0] += revalidationCost(of: resource)
            repeatVisit += Bandwidth.cost(of: resource).repeatVisitBytes
        }
        return PageCost(url: page.url, requests: requests, firstVisitBytesByKind: first,
                        revalidationVisitBytes: again.values.reduce(0, +), revalidationBytesByKind: again,
                        repeatVisitBytes: repeatVisit)
    }

    /// Bytes to get a resource again when the cached copy must be revalidated: the probe's
    /// answer (If-None-Match first, as a browser sends both), else a full download.
    public static func revalidationCost(of resource: FetchedResource) -> Int {
        let hops = resource.redirects.reduce(0) { $0 + $1.wireBytes }
        let cacheControl = resource.exchange.responseHeaders.first("Cache-Control")?.lowercased() ?? ""
        if resource.failure != nil || cacheControl.contains("no-store") { return resource.wireBytes }
        if let probe = resource.revalidation?.ifNoneMatch ?? resource.revalidation?.ifModifiedSince {
            return hops + probe.exchange.wireBytes
        }
        return resource.wireBytes
    }

    /// The path and query of a URL (`/blog/post-1.html`), which budgets and diffs match on.
    public static func path(of url: String) -> String {
        guard let components = URLComponents(string: url) else { return url }
        var path = components.percentEncodedPath
        if path.isEmpty { path = "/" }
        if let query = components.percentEncodedQuery { path += "?" + query }
        return path
    }
}
