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
    /// It renews this process's lease (its `workers` row, so no claim is ever left without
    /// one), then picks and locks queued ids in order — robots.txt and sitemaps first (the
    /// small partial index `queue_urgent`), then the rest by primary key — and sets their
    /// owner, which touches no indexed column (a HOT update). Each pick is an ordered index
    /// scan that stops at `limit`: the claim's cost does not grow with the queue. (With
    /// `ORDER BY urgent DESC, id` over a partial index, the plan read and sorted the whole
    /// queue at each claim while the table's statistics were those of a young crawl.)
    func claimNow(limit: Int, on connection: PostgresSession? = nil) async throws -> [FrontierEntry] {
        try await (connection ?? session).locked { [owner, leaseMilliseconds] s in
            var out: [FrontierEntry] = []
            let rows = try await s.rows("""
                WITH w_lease AS (INSERT INTO workers(owner, lease_until) VALUES (\(owner), now() + \(leaseMilliseconds) * interval '1 millisecond')
                        ON CONFLICT (owner) DO UPDATE SET lease_until = EXCLUDED.lease_until),
                    first_ids AS (SELECT id FROM queue WHERE urgent AND owner IS NULL ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED),
                    rest_ids AS (SELECT id FROM queue WHERE NOT urgent AND owner IS NULL ORDER BY id
                             LIMIT \(limit) - (SELECT count(*) FROM first_ids) FOR UPDATE SKIP LOCKED),
                    claimed AS (UPDATE queue SET owner = \(owner) WHERE id = ANY(ARRAY(SELECT id FROM first_ids UNION ALL SELECT id FROM rest_ids))
                                RETURNING id)
                SELECT id, url, kind, depth, purpose FROM frontier WHERE id = ANY(ARRAY(SELECT id FROM claimed))
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
            UPDATE queue SET owner = NULL WHERE id = ANY(\(entries.map(\.id))) AND owner = \(owner)
            """)
    }
}
