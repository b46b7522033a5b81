internal import CrawlStore
internal import PostgresNIO

extension PostgresCrawlStore {
    /// The `--max-query-variants` counts of the whole crawl (as the SQLite store gives them): for
    /// each path, the page URLs with a query string on it in the frontier, start URLs left out.
    /// A process that joins the crawl (a worker) or resumes it starts from them, so the limit
    /// counts what every process enqueued before it joined, not only its own.
    public func queryVariants() async throws -> [String: Int] {
        let starts = Set(try await crawl()?.startURLs ?? [])
        return try await session.locked { s in
            var counts: [String: Int] = [:]
            // Pages only (purpose 0 with a depth); a start URL at depth 0 is not a trap candidate.
            for try await (path, n) in try await s.rows("""
                SELECT substr(url, 1, strpos(url, '?') - 1), count(*) FROM frontier
                WHERE purpose = 0 AND depth > 0 AND strpos(url, '?') > 0 GROUP BY 1
                """).decode((String, Int).self) {
                counts[path, default: 0] += n
            }
            for try await url in try await s.rows("SELECT url FROM frontier WHERE purpose = 0 AND depth = 0 AND strpos(url, '?') > 0")
                .decode(String.self) {
                guard !starts.contains(url), let query = url.firstIndex(of: "?") else { continue }
                counts[String(url[..<query]), default: 0] += 1
            }
            return counts
        }
    }
}
