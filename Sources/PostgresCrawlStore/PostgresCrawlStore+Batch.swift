internal import CrawlModel
internal import CrawlStore
internal import Foundation
internal import NIOCore
internal import PostgresNIO

extension PostgresCrawlStore {
    /// Frontier row states (as in the SQLite store).
    enum State: Int64 { case queued = 0, claimed = 1, done = 2, parked = 3, dropped = 4 }

    /// One batch in the open transaction of `s`: one statement per table, rows as arrays
    /// (`unnest`), so a batch costs a dozen round trips whatever its size.
    static func apply(_ batch: StoreBatch, in s: PostgresSession) async throws {
        let entries = batch.enqueued.map { ($0, State.queued) } + batch.parked.map { ($0, State.parked) }
        if !entries.isEmpty {
            try await s.run("""
                INSERT INTO frontier(key, url, kind, depth, purpose, urgent, state)
                SELECT k, u, kd, NULLIF(d, -1), p, p <> 0, st
                FROM unnest(\(entries.map(\.0.key)), \(entries.map(\.0.url)), \(entries.map(\.0.kind.rawValue)),
                            \(entries.map { Int64($0.0.depth ?? -1) }), \(entries.map { Int64($0.0.purpose.rawValue) }),
                            \(entries.map(\.1.rawValue))) WITH ORDINALITY AS t(k, u, kd, d, p, st, n)
                ORDER BY n
                ON CONFLICT (key) DO NOTHING
                """)
        }
        if !batch.released.isEmpty {
            try await s.run("""
                UPDATE frontier f SET state = t.st
                FROM unnest(\(batch.released.map(\.key)), \(batch.released.map { ($0.admitted ? State.queued : State.dropped).rawValue })) AS t(k, st)
                WHERE f.key = t.k AND f.state = 3
                """)
        }
        if !batch.done.isEmpty {
            try await s.run("UPDATE frontier SET state = 2, owner = NULL, lease_until = NULL WHERE id = ANY(\(batch.done))")
        }
        let resources = lastByKey(batch.resources, key: \.url)
        if !resources.isEmpty {
            try await s.run("""
                INSERT INTO resources(url, record) SELECT * FROM unnest(\(resources.map(\.url)), \(resources.map { ByteBuffer(bytes: StoreRecords.encode($0)) }))
                ON CONFLICT (url) DO UPDATE SET record = EXCLUDED.record
                """)
        }
        let pages = lastByKey(batch.pages, key: \.url)
        if !pages.isEmpty {
            let outlines = try pages.map { try StoreRecords.encode($0.outline).map { ByteBuffer(bytes: $0) } ?? ByteBuffer() }
            try await s.run("""
                INSERT INTO pages(url, depth, refs, outline)
                SELECT u, d, r, NULLIF(o, ''::bytea) FROM unnest(\(pages.map(\.url)), \(pages.map { Int64($0.depth) }),
                    \(pages.map { ByteBuffer(bytes: StoreRecords.encode($0.references)) }), \(outlines)) WITH ORDINALITY AS t(u, d, r, o, n)
                ORDER BY n
                ON CONFLICT (url) DO UPDATE SET depth = EXCLUDED.depth, refs = EXCLUDED.refs, outline = EXCLUDED.outline
                """)
        }
        let subresources = lastByKey(batch.subresourceReferences, key: \.url)
        if !subresources.isEmpty {
            try await s.run("""
                INSERT INTO subresources(url, refs)
                SELECT * FROM unnest(\(subresources.map(\.url)), \(subresources.map { ByteBuffer(bytes: StoreRecords.encode($0.references)) }))
                ON CONFLICT (url) DO UPDATE SET refs = EXCLUDED.refs
                """)
        }
        if !batch.skipped.isEmpty {
            // The first reason of a URL is kept.
            try await s.run("""
                INSERT INTO skipped(url, reason) SELECT * FROM unnest(\(batch.skipped.map(\.url)), \(batch.skipped.map(\.reason.stored)))
                ON CONFLICT (url) DO NOTHING
                """)
        }
        let robots = lastByKey(batch.robots, key: \.origin)
        if !robots.isEmpty {
            try await s.run("""
                INSERT INTO robots(origin, record, body)
                SELECT * FROM unnest(\(robots.map(\.origin)), \(robots.map { ByteBuffer(bytes: StoreRecords.encode($0.resource)) }),
                    \(robots.map { ByteBuffer(bytes: $0.body) }))
                ON CONFLICT (origin) DO UPDATE SET record = EXCLUDED.record, body = EXCLUDED.body
                """)
        }
        // Budgets counted by each process: the crawl keeps the largest (see the README's
        // section on workers: --max-pages is per process).
        let counters = [("pagesEnqueued", batch.pagesEnqueued), ("sitemapsRequested", batch.sitemapsRequested),
                        ("pagesPastLimit", batch.pagesPastLimit)].compactMap { name, value in value.map { (name, String($0)) } }
        if !counters.isEmpty {
            try await s.run("""
                INSERT INTO assetcrawl_meta(key, value) SELECT * FROM unnest(\(counters.map(\.0)), \(counters.map(\.1)))
                ON CONFLICT (key) DO UPDATE SET value = GREATEST(assetcrawl_meta.value::bigint, EXCLUDED.value::bigint)::text
                """)
        }
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
