public import CrawlModel
internal import HTTPSemantics

extension TextReport {
    /// Two lines for `crawl --browser`: Chromium's totals over the pages it loaded, and how many did not finish.
    public static func browserSummary(_ visits: [BrowserVisit]) -> String {
        let first = visits.reduce(0) { $0 + $1.firstVisit.wireBytes }
        let again = visits.reduce(0) { $0 + ($1.repeatVisit?.wireBytes ?? 0) }
        let requests = visits.reduce(0) { $0 + $1.firstVisit.requests.count }
        var text = "in Chromium: \(visits.count) pages, \(requests) requests, first visits \(ByteSize.format(first)), repeat visits \(ByteSize.format(again))\n"
        let incomplete = visits.filter { $0.firstVisit.incomplete != nil || $0.repeatVisit?.incomplete != nil }
        if !incomplete.isEmpty {
            text += "  \(incomplete.count) page loads did not finish, e.g. \(incomplete[0].url): "
                + "\(incomplete[0].firstVisit.incomplete ?? incomplete[0].repeatVisit?.incomplete ?? "")\n"
        }
        return text
    }
}
