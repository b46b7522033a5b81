internal import CrawlModel
internal import CrawlStore
internal import NIOCore
internal import PostgresNIO

extension PostgresCrawlStore {
    /// Pages whose depth is less than the one they were crawled at, by ``SeenSet/hash(_:)`` of
    /// their URL: a page's depth is the fewest links from a page of depth 0 (a start URL or a
    /// sitemap's page), over the links of every page crawled.
    ///
    /// Several processes find a cross-linked page at the depth of whichever link one of them
    /// read first; this makes it the minimum over all the links to it, whatever the order, so
    /// one process and many give the same report. Memory: two numbers per page. Each pass reads
    /// every page's links once and lowers what it can (in depth order, so most chains settle
    /// in the first pass); it stops after a pass that lowers nothing.
    static func lowerDepths(_ s: PostgresSession) async throws -> [UInt64: Int] {
        var index: [UInt64: Int] = [:]
        var depth: [Int] = []
        var stored: [Int] = []
        for try await (url, d) in try await s.rows("SELECT url, depth FROM pages").decode((String, Int).self) {
            index[SeenSet.hash(url)] = depth.count
            depth.append(d)
            stored.append(d)
        }
        guard !depth.isEmpty else { return [:] }
        var lowered = true
        while lowered {
            lowered = false
            for try await (url, refs) in try await s.rows("SELECT url, refs FROM pages ORDER BY depth, seq").decode((String, ByteBuffer).self) {
                guard let source = index[SeenSet.hash(url)] else { continue }
                let next = depth[source] + 1
                // The links the crawl follows (CrawlState.record: navigation, fetchable).
                for ref in try StoreRecords.references(refs.bytes) where ref.role == .navigation && ref.notFetchable == nil {
                    guard let target = ref.url.flatMap({ index[SeenSet.hash($0)] }), depth[target] > next else { continue }
                    depth[target] = next
                    lowered = true
                }
            }
        }
        var out: [UInt64: Int] = [:]
        for (hash, i) in index where depth[i] < stored[i] { out[hash] = depth[i] }
        return out
    }
}
