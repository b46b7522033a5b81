public import CrawlStore
internal import CrawlModel
internal import PostgresNIO

extension PostgresCrawlStore {
    /// Takes up to `limit` queued entries under this process's lease, robots.txt and sitemaps
    /// first, then breadth first.
    ///
    /// A full window is followed at once by the claim of the next one, in the background,
    /// while the crawl fetches this one: the crawl loop then finds its next window waiting
    /// instead of waiting a round trip for it. The window claimed ahead is topped up now when
    /// it came back short (the queue may have grown since), and robots.txt or sitemaps
    /// committed since are claimed now on top of it: a claim returns fewer than `limit` only
    /// when the queue has no more.
    public func claim(limit: Int) async throws -> [FrontierEntry] {
        let (ahead, urgent) = prefetched.withLock { state in
            defer { state = (nil, false) }
            return (state.task, state.urgentQueued)
        }
        // A claim ahead that failed is claimed again now (its statement claimed nothing, or
        // its rows are this process's and come back at the lease's end).
        var entries = (try? await ahead?.value) ?? []
        if entries.count < limit || urgent {
            entries += try await claimNow(limit: urgent ? limit : limit - entries.count)
        }
        if entries.count >= limit {
            // On the second connection: the main one may have a batch in flight, and the claim
            // ahead needs none of it (it takes the oldest queued entries, and a batch's new
            // ones come after every committed one; what it misses is claimed on top, above).
            let task = Task { try await self.claimNow(limit: limit, on: self.background) }
            prefetched.withLock { $0.task = task }
        }
        return entries.sorted { ($0.urgent ? 0 : 1, $0.id) < ($1.urgent ? 0 : 1, $1.id) }
    }

    /// One statement: expired claims are put back by the renewal task (and by ``pendingCount()``).
    /// The entries are picked and locked by the partial index `frontier_queue` in an init
    /// plan, then updated by primary key: a join of the picked ids with `frontier` was planned
    /// as a scan of the whole table while its statistics were those of a young crawl (a claim
    /// then cost time in proportion to the frontier's size).
    func claimNow(limit: Int, on connection: PostgresSession? = nil) async throws -> [FrontierEntry] {
        try await (connection ?? session).locked { [owner, leaseMilliseconds] s in
            var out: [FrontierEntry] = []
            let rows = try await s.rows("""
                UPDATE frontier SET state = 1, owner = \(owner), lease_until = now() + \(leaseMilliseconds) * interval '1 millisecond'
                WHERE id = ANY(ARRAY(SELECT id FROM frontier WHERE state = 0 ORDER BY urgent DESC, id LIMIT \(limit) FOR UPDATE SKIP LOCKED))
                RETURNING id, url, kind, depth, purpose
                """)
            for try await (id, url, kind, depth, purpose) in rows.decode((Int64, String, String, Int?, Int16).self) {
                out.append(FrontierEntry(id: id, url: url, kind: AssetKind(rawValue: kind) ?? .other, depth: depth,
                                         purpose: FrontierPurpose(rawValue: Int(purpose)) ?? .asset))
            }
            return out
        }
    }

    /// Puts back in the queue a window claimed ahead and never handed out (the crawl of this
    /// process ended): other processes take it now, not when the lease runs out.
    func releasePrefetched() async {
        guard let task = prefetched.withLock({ state in defer { state = (nil, false) }; return state.task }),
              let entries = try? await task.value, !entries.isEmpty else { return }
        try? await session.execute("""
            UPDATE frontier SET state = 0, owner = NULL, lease_until = NULL
            WHERE id = ANY(\(entries.map(\.id))) AND state = 1 AND owner = \(owner)
            """)
    }
}
