internal import HTTPSemantics
internal import CrawlStore

extension HTMLReport {
    /// Bodies fetched at more than one URL (the same content digest), most wasted bytes first;
    /// nothing when every body is unique.
    static func duplicatesSection(_ groups: [ScratchTable.Group], short: (String) -> String) -> String {
        guard !groups.isEmpty else { return "" }
        var h = "<h2 id=\"duplicates\">Duplicate bodies</h2>\n<p class=\"note\">The same bytes fetched from several URLs: a browser downloads and caches each copy. Serve one URL, or redirect the others to it.</p>\n"
        h += "<table>\n<tr><th>URLs</th><th>copies</th><th>wire bytes each</th><th>wasted</th></tr>\n"
        for g in groups {
            let more = g.count > g.urls.count ? "<br>… and \(g.count - g.urls.count) more" : ""
            let urls: String = g.urls.map { "<code>\(e(short($0)))</code>" }.joined(separator: "<br>")
            let each = e(ByteSize.format(g.bytes)), wasted = e(ByteSize.format(g.wastedBytes))
            h += "<tr><td>" + urls + more + "</td><td class=\"n\">\(g.count)</td><td class=\"n\">\(each)</td><td class=\"n\">\(wasted)</td></tr>\n"
        }
        return h + "</table>\n"
    }
}
