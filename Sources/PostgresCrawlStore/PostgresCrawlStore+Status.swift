internal import PostgresNIO

/// How far a shared crawl has come, for tests, benchmarks and anyone watching it.
public struct SharedCrawlStatus: Sendable {
    /// Resources stored (fetched, with their probes).
    public var resources: Int
    /// Claims by process (`queue.owner`: `HOST:PID:ID`), live or not yet expired.
    public var claimsByOwner: [String: Int]
}

extension PostgresCrawlStore {
    /// The crawl's progress as the store holds it now.
    public func status() async throws -> SharedCrawlStatus {
        try await session.locked { s in
            var resources = 0
            for try await n in try await s.rows("SELECT count(*) FROM resources").decode(Int.self) { resources = n }
            var claims: [String: Int] = [:]
            for try await (owner, n) in try await s.rows("SELECT owner, count(*) FROM queue WHERE owner IS NOT NULL GROUP BY owner")
                .decode((String, Int).self) {
                claims[owner] = n
            }
            return SharedCrawlStatus(resources: resources, claimsByOwner: claims)
        }
    }
}

extension PostgresCrawlStore {
    /// Pages stored at a greater depth than their least one (found first through a longer
    /// chain of links); reports give them their least depth (``export(to:)``).
    public func pagesFoundDeeper() async throws -> Int {
        try await session.locked { try await Self.lowerDepths($0).count }
    }
}
