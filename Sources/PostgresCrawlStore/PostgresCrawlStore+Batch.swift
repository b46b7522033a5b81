internal import CrawlModel
internal import CrawlStore
internal import Foundation
internal import NIOCore
internal import PostgresNIO

extension PostgresCrawlStore {
    /// Frontier row states. A row admitted to the crawl stays `queued` (0) whether it is
    /// queued, claimed or done: that is its `queue` row's presence and owner (schema 3).
    /// Stores of schema 2 and before also hold 1 (claimed) and 2 (done), which mean the same.
    enum State: Int64 { case queued = 0, parked = 3, dropped = 4 }

    /// One batch as one statement: a data-modifying `WITH` part per table, rows as arrays
    /// (`unnest`). A single statement is its own transaction, so a batch costs one round trip
    /// whatever its size (no BEGIN/COMMIT), and either all of it is stored or none.
    ///
    /// The parts of one statement see the same snapshot, not each other's rows: a page parked
    /// and released in the same batch is inserted in its released state.
    ///
    /// With `pageLimit` (`--max-pages`), pages are admitted against the crawl's count in
    /// `assetcrawl_meta.pagesAdmitted`, locked for the statement: all processes together admit
    /// at most `pageLimit` pages, the rest are recorded as skipped (past `--max-pages`).
    static func statement(for batch: StoreBatch, pageLimit: Int?) throws -> PostgresQuery? {
        guard !batch.isEmpty else { return nil }
        var q = StatementBuilder()
        let releasedHere = Dictionary(batch.released.map { ($0.key, $0.admitted) }, uniquingKeysWith: { $1 })
        var entries = batch.enqueued.map { ($0, State.queued) }
        for entry in batch.parked {
            if let admitted = releasedHere[entry.key] {
                entries.append((entry, admitted ? .queued : .dropped))
            } else {
                entries.append((entry, .parked))
            }
        }
        if !entries.isEmpty {
            let rows = """
                unnest(\(q.bind(entries.map(\.0.key))), \(q.bind(entries.map(\.0.url))), \(q.bind(entries.map(\.0.kind.rawValue))),
                       \(q.bind(entries.map { Int64($0.0.depth ?? -1) })), \(q.bind(entries.map { Int64($0.0.purpose.rawValue) })),
                       \(q.bind(entries.map(\.1.rawValue)))) WITH ORDINALITY AS t(k, u, kd, d, p, st, n)
                """
            let columns = "INSERT INTO frontier(key, url, kind, depth, purpose, urgent, state)"
            let values = "SELECT k, u, kd, NULLIF(d, -1), p, p <> 0, st"
            if let pageLimit, pageLimit < Int.max, entries.contains(where: { Self.countsAsPage($0.0) }) {
                // Pages new to the crawl, numbered in batch order; those past the budget are skipped.
                q.parts.append("""
                    budget AS (SELECT value::bigint AS used FROM assetcrawl_meta WHERE key = 'pagesAdmitted' FOR UPDATE),
                    fresh AS (SELECT t.*, d >= 0 AND p = 0 AS counted, sum((d >= 0 AND p = 0)::int) OVER (ORDER BY n) AS r
                              FROM \(rows) WHERE NOT EXISTS (SELECT 1 FROM frontier f WHERE f.key = t.k)),
                    w_entries AS (\(columns) \(values) FROM fresh, budget WHERE NOT counted OR r <= \(q.bind(Int64(pageLimit))) - used
                                 ORDER BY n ON CONFLICT (key) DO NOTHING RETURNING id, urgent, state, depth IS NOT NULL AND purpose = 0 AS counted),
                    w_past AS (INSERT INTO skipped(url, reason) SELECT u, \(q.bind(SkipReason.pastMaxPages(maxPages: pageLimit).stored))
                             FROM fresh, budget WHERE counted AND r > \(q.bind(Int64(pageLimit))) - used ON CONFLICT (url) DO NOTHING),
                    w_count AS (UPDATE assetcrawl_meta SET value = ((SELECT used FROM budget) + (SELECT count(*) FROM w_entries WHERE counted))::text
                                WHERE key = 'pagesAdmitted')
                    """)
            } else {
                q.parts.append("w_entries AS (\(columns) \(values) FROM \(rows) ORDER BY n ON CONFLICT (key) DO NOTHING RETURNING id, urgent, state)")
            }
            // The rows new to the crawl (another process may have inserted some first) and admitted.
            q.parts.append("w_queued AS (INSERT INTO queue(id, urgent) SELECT id, urgent FROM w_entries WHERE state = 0 ORDER BY id)")
        }
        // All of them: a page parked here may be parked in the store already by another process
        // (this batch's insert of it then does nothing).
        let released = batch.released
        if !released.isEmpty {
            q.parts.append("""
                w_released AS (UPDATE frontier f SET state = t.st
                    FROM unnest(\(q.bind(released.map(\.key))), \(q.bind(released.map { ($0.admitted ? State.queued : State.dropped).rawValue }))) AS t(k, st)
                    WHERE f.key = t.k AND f.state = 3 RETURNING f.id, f.urgent, f.state),
                w_requeued AS (INSERT INTO queue(id, urgent) SELECT id, urgent FROM w_released WHERE state = 0)
                """)
        }
        if !batch.done.isEmpty {
            q.parts.append("w_done AS (DELETE FROM queue WHERE id = ANY(\(q.bind(batch.done))))")
        }
        let resources = lastByKey(batch.resources, key: \.url)
        if !resources.isEmpty {
            q.parts.append("""
                w_resources AS (INSERT INTO resources(url, record)
                    SELECT * FROM unnest(\(q.bind(resources.map(\.url))), \(q.bind(resources.map { ByteBuffer(bytes: StoreRecords.encode($0)) })))
                    ON CONFLICT (url) DO UPDATE SET record = EXCLUDED.record)
                """)
        }
        let pages = lastByKey(batch.pages, key: \.url)
        if !pages.isEmpty {
            let outlines = try pages.map { try StoreRecords.encode($0.outline).map { ByteBuffer(bytes: $0) } ?? ByteBuffer() }
            q.parts.append("""
                w_pages AS (INSERT INTO pages(url, depth, refs, outline)
                    SELECT u, d, r, NULLIF(o, ''::bytea) FROM unnest(\(q.bind(pages.map(\.url))), \(q.bind(pages.map { Int64($0.depth) })),
                        \(q.bind(pages.map { ByteBuffer(bytes: StoreRecords.encode($0.references)) })), \(q.bind(outlines))) WITH ORDINALITY AS t(u, d, r, o, n)
                    ORDER BY n
                    ON CONFLICT (url) DO UPDATE SET depth = EXCLUDED.depth, refs = EXCLUDED.refs, outline = EXCLUDED.outline)
                """)
        }
        let subresources = lastByKey(batch.subresourceReferences, key: \.url)
        if !subresources.isEmpty {
            q.parts.append("""
                w_subresources AS (INSERT INTO subresources(url, refs)
                    SELECT * FROM unnest(\(q.bind(subresources.map(\.url))), \(q.bind(subresources.map { ByteBuffer(bytes: StoreRecords.encode($0.references)) })))
                    ON CONFLICT (url) DO UPDATE SET refs = EXCLUDED.refs)
                """)
        }
        if !batch.skipped.isEmpty {
            // The first reason of a URL is kept.
            q.parts.append("""
                w_skips AS (INSERT INTO skipped(url, reason) SELECT * FROM unnest(\(q.bind(batch.skipped.map(\.url))), \(q.bind(batch.skipped.map(\.reason.stored))))
                    ON CONFLICT (url) DO NOTHING)
                """)
        }
        let robots = lastByKey(batch.robots, key: \.origin)
        if !robots.isEmpty {
            q.parts.append("""
                w_robots AS (INSERT INTO robots(origin, record, body)
                    SELECT * FROM unnest(\(q.bind(robots.map(\.origin))), \(q.bind(robots.map { ByteBuffer(bytes: StoreRecords.encode($0.resource)) })),
                        \(q.bind(robots.map { ByteBuffer(bytes: $0.body) })))
                    ON CONFLICT (origin) DO UPDATE SET record = EXCLUDED.record, body = EXCLUDED.body)
                """)
        }
        // Counters of each process: the crawl keeps the largest (the global --max-pages count
        // is pagesAdmitted above).
        let counters = [("pagesEnqueued", batch.pagesEnqueued), ("sitemapsRequested", batch.sitemapsRequested),
                        ("pagesPastLimit", batch.pagesPastLimit)].compactMap { name, value in value.map { (name, String($0)) } }
        if !counters.isEmpty {
            q.parts.append("""
                w_counters AS (INSERT INTO assetcrawl_meta(key, value) SELECT * FROM unnest(\(q.bind(counters.map(\.0))), \(q.bind(counters.map(\.1))))
                    ON CONFLICT (key) DO UPDATE SET value = GREATEST(assetcrawl_meta.value::bigint, EXCLUDED.value::bigint)::text)
                """)
        }
        guard !q.parts.isEmpty else { return nil }
        return PostgresQuery(unsafeSQL: "WITH " + q.parts.joined(separator: ",\n") + "\nSELECT 1", binds: q.binds)
    }

    /// A frontier entry `--max-pages` counts: a page (navigation depth), not a requisite, robots.txt or sitemap.
    static func countsAsPage(_ entry: FrontierEntry) -> Bool {
        entry.depth != nil && entry.purpose == .asset
    }

    /// The last of each key, in first-seen order: one statement may not update a row twice.
    static func lastByKey<T>(_ items: [T], key: (T) -> String) -> [T] {
        guard items.count > 1 else { return items }
        var index: [String: Int] = [:]
        var out: [T] = []
        for item in items {
            if let i = index[key(item)] { out[i] = item } else {
                index[key(item)] = out.count
                out.append(item)
            }
        }
        return out
    }
}

/// SQL built in parts, with its values bound as `$1…$n` as the parts are written.
struct StatementBuilder {
    var parts: [String] = []
    var binds = PostgresBindings()

    /// The placeholder of `value`, bound next.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }
}
