internal import CrawlModel
internal import Foundation

extension SQLiteCrawlStore {
    /// How many resources the store at `path` holds, read without changing it (another process
    /// may be writing it); nil when it holds no crawl yet. For tests and benchmarks that watch a crawl.
    public static func storedResources(atPath path: String) -> Int? {
        guard let db = try? SQLiteDatabase(path: path, readOnly: true) else { return nil }
        var count: Int?
        try? db.prepare("SELECT count(*) FROM resources").query { count = $0.int(0) }
        return count
    }

    /// Everything stored as one `CrawlResult`: pages in the order they were recorded.
    func readResult() throws -> CrawlResult {
        let db = database
        guard let crawl = try readCrawl() else {
            throw StoreError(.crawlState, "\(path) holds no crawl; write one with assetcrawl crawl URL --store \(path)")
        }
        var result = CrawlResult(startURLs: crawl.startURLs, stopReason: crawl.stopReason)
        try db.prepare("SELECT url, depth, refs, outline FROM pages ORDER BY seq").query { row in
            result.pages.append(PageResult(url: row.text(0), depth: row.int(1), references: try RecordReader.references(row.blob(2)),
                                     outline: try PageOutlineCoding.decode(row, column: 3)))
        }
        try db.prepare("SELECT url, refs FROM subresources").query { row in
            result.subresourceReferences[row.text(0)] = try RecordReader.references(row.blob(1))
        }
        try db.prepare("SELECT url, record FROM resources").query { row in
            result.resources[row.text(0)] = try RecordReader.resource(row.blob(1))
        }
        var skipped: [String: SkipReason] = [:]
        try db.prepare("SELECT url, reason FROM skipped").query { skipped[$0.text(0)] = SkipReason(stored: $0.text(1)) }
        if !skipped.isEmpty { result.skipped = skipped }
        return result
    }
}
