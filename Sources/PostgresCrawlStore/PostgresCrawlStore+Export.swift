public import CrawlStore
internal import CrawlModel
internal import NIOCore
internal import PostgresNIO

extension PostgresCrawlStore {
    /// Rows copied per SQLite transaction.
    static let exportBatch = 512

    /// Copies the crawl's results (pages, resources, references, skips, robots.txt answers and
    /// the stop reason; not the frontier) into `copy`, an empty SQLite store, streaming: the
    /// reports then read it with the same reader as any stored crawl. Pages get their least
    /// depth over all the links to them (``lowerDepths(_:)``), whichever process found them.
    public func export(to copy: SQLiteCrawlStore) async throws {
        guard let crawl = try await crawl() else {
            throw PostgresStoreError(.notAStore, "\(location) holds no crawl; start one with assetcrawl crawl URL --store \(location)")
        }
        try await copy.create(StoredCrawl(startURLs: crawl.startURLs, arguments: crawl.arguments, stopReason: crawl.stopReason,
                                          pagesEnqueued: crawl.pagesEnqueued, sitemapsRequested: crawl.sitemapsRequested,
                                          pagesPastLimit: crawl.pagesPastLimit))
        try await session.locked { s in
            let lowered = try await Self.lowerDepths(s)
            var batch = StoreBatch(), rows = 0
            func flush(force: Bool = false) async throws {
                guard force || rows >= Self.exportBatch else { return }
                try await copy.commit(batch)
                batch = StoreBatch()
                rows = 0
            }
            for try await (url, depth, refs, outline) in try await s.rows("SELECT url, depth, refs, outline FROM pages ORDER BY seq")
                .decode((String, Int, ByteBuffer, ByteBuffer?).self) {
                batch.pages.append(PageResult(url: url, depth: lowered[SeenSet.hash(url)] ?? depth, references: try StoreRecords.references(refs.bytes),
                                              outline: try StoreRecords.outline(outline?.bytes)))
                rows += 1
                try await flush()
            }
            for try await record in try await s.rows("SELECT record FROM resources ORDER BY url").decode(ByteBuffer.self) {
                batch.resources.append(try StoreRecords.resource(record.bytes))
                rows += 1
                try await flush()
            }
            for try await (url, refs) in try await s.rows("SELECT url, refs FROM subresources ORDER BY url").decode((String, ByteBuffer).self) {
                batch.subresourceReferences.append((url, try StoreRecords.references(refs.bytes)))
                rows += 1
                try await flush()
            }
            for try await (url, reason) in try await s.rows("SELECT url, reason FROM skipped ORDER BY url").decode((String, String).self) {
                batch.skipped.append((url, SkipReason(stored: reason)))
                rows += 1
                try await flush()
            }
            try await flush(force: true)
        }
        // robots.txt answers last, through the store's own reader.
        var robots = StoreBatch()
        robots.robots = try await self.robots()
        try await copy.commit(robots)
        try await copy.finish(stopReason: crawl.stopReason)
    }
}
