public import Audit
public import CrawlModel
internal import HTTPSemantics

extension HTMLReport {
    /// The `crawl --browser` section: per page, Chromium's first and repeat visit bytes
    /// beside the static figure, and the URLs only one side found.
    static func browserSection(_ visits: [BrowserVisit], result: CrawlResult, costs: [PageBandwidth], short: (String) -> String) -> String {
        let staticBytes = Dictionary(costs.map { ($0.url, $0.bytesByKind.values.reduce(0, +)) }, uniquingKeysWith: { a, _ in a })
        let pages = Dictionary(result.pages.map { ($0.url, $0) }, uniquingKeysWith: { a, _ in a })
        var h = "<h2 id=\"browser\">In headless Chromium</h2>\n"
        h += "<p class=\"note\">Each page loaded cold in a fresh browser context, then visited again in the same context. Bytes are Chromium's own count of the wire (headers included). Only in browser: requested by Chromium but not found by the static crawl (script-inserted, template-activated, lazy). Only static: found by the static crawl, never requested by Chromium.</p>\n"
        h += "<table>\n<tr><th>page</th><th>requests</th><th>browser first visit</th><th>static first visit</th><th>browser repeat visit</th><th>only in browser</th><th>only static</th></tr>\n"
        for visit in visits.sorted(by: { $0.url < $1.url }) {
            let c = BrowserComparison(visit, result: result, page: pages[visit.url])
            let problem = [visit.firstVisit.incomplete, visit.repeatVisit?.incomplete].compactMap { $0 }
            h += "<tr><td>\(e(short(visit.url)))"
            if !problem.isEmpty { h += "<br><span class=\"v warn\">\(e(problem.joined(separator: "; ")))</span>" }
            h += "</td><td class=\"n\">\(visit.firstVisit.requests.count)</td>"
            h += "<td class=\"n\">\(e(ByteSize.format(c.firstVisitBytes)))</td>"
            h += "<td class=\"n\">\(staticBytes[visit.url].map { e(ByteSize.format($0)) } ?? "—")</td>"
            h += "<td class=\"n\">\(c.repeatVisitBytes.map { e(ByteSize.format($0)) } ?? "—")</td>"
            h += "<td>\(urlList(c.onlyBrowser, short: short))</td><td>\(urlList(c.onlyStatic, short: short))</td></tr>\n"
        }
        return h + "</table>\n"
    }

    private static func urlList(_ urls: [String], short: (String) -> String) -> String {
        urls.isEmpty ? "—" : "<ul class=\"off\">" + urls.map { "<li><code>\(e(short($0)))</code></li>" }.joined() + "</ul>"
    }
}
