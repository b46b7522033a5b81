internal import CrawlModel
internal import Foundation

extension StoredCrawl {
    /// The crawl recorded as key-value rows (`meta` in SQLite, `assetcrawl_meta` in
    /// PostgreSQL); nil when the rows hold no crawl yet.
    public init?(meta: [String: String]) throws {
        guard let starts = meta["startURLs"] else { return nil }
        let list = { (text: String) throws in try JSONDecoder().decode([String].self, from: Data(text.utf8)) }
        self.init(startURLs: try list(starts), arguments: try list(meta["arguments"] ?? "[]"),
                  stopReason: meta["stopReason"].flatMap { $0.isEmpty ? nil : StopReason(stored: $0) },
                  pagesEnqueued: Int(meta["pagesEnqueued"] ?? "") ?? 0,
                  sitemapsRequested: Int(meta["sitemapsRequested"] ?? "") ?? 0,
                  pagesPastLimit: Int(meta["pagesPastLimit"] ?? "") ?? 0,
                  startedAt: meta["startedAt"].flatMap(Double.init).map { Date(timeIntervalSince1970: $0) })
    }
}
