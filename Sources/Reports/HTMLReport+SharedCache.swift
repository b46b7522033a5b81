internal import Audit
internal import CrawlModel
internal import Foundation

extension HTMLReport {
    /// Every response a CDN could not cache well (``SharedCacheProblem``), with the header to
    /// send instead, and the CDN hit ratio when a cache in front of the server said.
    static func sharedCacheSection(_ d: HTMLDigest, short: (String) -> String) -> String {
        var h = "<h2 id=\"shared-cache\">What a CDN can cache</h2>\n"
        let hits = d.cdnHits
        h += "<p class=\"note\">Read as a shared cache reads the headers (RFC 9111). CDN hit ratio: "
            + (hits.ratio.map { String(format: "%.0f%% (%d hits, %d misses)", $0 * 100, hits.hits, hits.misses) } ?? "no CDN header seen")
            + ".</p>\n"
        if d.sharedCacheRows.isEmpty { return h + "<p>No shared-cache problems.</p>\n" }
        if d.sharedCacheCount > d.sharedCacheRows.count {
            h += "<p class=\"note\">The first \(d.sharedCacheRows.count) of \(d.sharedCacheCount) problems, in URL order; every one is in the JSON report (--json).</p>\n"
        }
        h += "<table><thead><tr><th>URL</th><th>problem</th><th>found</th><th>send instead</th></tr></thead><tbody>\n"
        for (url, p) in d.sharedCacheRows {
            h += "<tr><td>\(e(short(url)))</td><td>\(e(p.code.rawValue))</td><td>\(e(p.found))</td><td>\(e(p.fix))</td></tr>\n"
        }
        return h + "</tbody></table>\n"
    }
}
