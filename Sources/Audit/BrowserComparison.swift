public import CrawlModel
internal import Foundation

/// One page as Chromium loaded it beside the static crawl: its byte totals and the URLs only
/// one side has.
public struct BrowserComparison: Sendable, Equatable {
    public var url: String
    /// Wire bytes of the cold load, as Chromium counted them.
    public var firstVisitBytes: Int
    /// Wire bytes of the repeat visit in the same browser context (nil when it did not happen).
    public var repeatVisitBytes: Int?
    /// URLs the browser requested that the static crawl did not find for the page
    /// (script-inserted, `<template>`-activated, lazily loaded), sorted.
    public var onlyBrowser: [String]
    /// Requisites the static crawl found that the browser never requested (unchosen
    /// candidates, unused fonts, `<noscript>` content, …), sorted.
    public var onlyStatic: [String]

    /// Compares a browser visit with the static crawl's requisites of the same page.
    public init(_ visit: BrowserVisit, result: CrawlResult, page: PageResult?) {
        url = visit.url
        firstVisitBytes = visit.firstVisit.wireBytes
        repeatVisitBytes = visit.repeatVisit?.wireBytes
        let requisites = page.map { result.requisites(of: $0) } ?? []
        // Everything the static crawl requested for the page, redirect hops and targets included.
        var known = Set([visit.url])
        for url in [visit.url] + requisites {
            known.insert(url)
            if let resource = result.resources[url] {
                known.insert(resource.exchange.url)
                for hop in resource.redirects { known.insert(hop.url) }
            }
        }
        let requested = Set(visit.firstVisit.requests.map { Self.normalized($0.url) })
        onlyBrowser = requested.subtracting(known).sorted()
        onlyStatic = requisites.filter { url in
            if requested.contains(url) { return false }
            guard let resource = result.resources[url] else { return true }
            return !requested.contains(resource.exchange.url)
        }.sorted()
    }

    /// A browser URL in the crawl's normal form (scheme and host case, default port, dot segments, escapes).
    static func normalized(_ url: String) -> String {
        guard let parsed = URL(string: url), case .url(let normal) = WebURL.resolve(url, against: parsed) else { return url }
        return normal.absoluteString
    }
}
