internal import CrawlModel
internal import CrawlStore
internal import Foundation
internal import NIOCore
internal import PostgresNIO

extension PostgresCrawlStore {
    /// Frontier row states (as in the SQLite store).
    enum State: Int64 { case queued = 0, claimed = 1, done = 2, parked = 3, dropped = 4 }

    /// One batch as one prepared statement (``BatchStatement``): a data-modifying `WITH` part
    /// per table, rows as arrays (`unnest`). A single statement is its own transaction, so a
    /// batch costs one round trip whatever its size (no BEGIN/COMMIT), and either all of it is
    /// stored or none. Its text is the same for every batch (a table with no rows gets empty
    /// arrays), so each connection parses it once, not once per batch (it is planned per
    /// batch, see ``PostgresSession/connect(_:logger:)``).
    ///
    /// The parts of one statement see the same snapshot, not each other's rows: a page parked
    /// and released in the same batch is inserted in its released state.
    ///
    /// With `pageLimit` (`--max-pages`) and pages in the batch, pages are admitted against the
    /// crawl's count in `assetcrawl_meta.pagesAdmitted`, locked for the statement: all
    /// processes together admit at most `pageLimit` pages, the rest are recorded as skipped
    /// (past `--max-pages`).
    static func statement(for batch: StoreBatch, pageLimit: Int?) throws -> BatchStatement? {
        guard !batch.isEmpty else { return nil }
        var b = PostgresBindings()
        let releasedHere = Dictionary(batch.released.map { ($0.key, $0.admitted) }, uniquingKeysWith: { $1 })
        var entries = batch.enqueued.map { ($0, State.queued) }
        for entry in batch.parked {
            if let admitted = releasedHere[entry.key] {
                entries.append((entry, admitted ? .queued : .dropped))
            } else {
                entries.append((entry, .parked))
            }
        }
        // $1…$6
        b.append(entries.map(\.0.key))
        b.append(entries.map(\.0.url))
        b.append(entries.map(\.0.kind.rawValue))
        b.append(entries.map { Int64($0.0.depth ?? -1) })
        b.append(entries.map { Int64($0.0.purpose.rawValue) })
        b.append(entries.map(\.1.rawValue))
        // $7, $8: all of them — a page parked here may be parked in the store already by
        // another process (this batch's insert of it then does nothing).
        b.append(batch.released.map(\.key))
        b.append(batch.released.map { ($0.admitted ? State.queued : State.dropped).rawValue })
        b.append(batch.done)  // $9
        let resources = lastByKey(batch.resources, key: \.url)
        b.append(resources.map(\.url))  // $10, $11
        b.append(resources.map { ByteBuffer(bytes: StoreRecords.encode($0)) })
        let pages = lastByKey(batch.pages, key: \.url)
        b.append(pages.map(\.url))  // $12…$15
        b.append(pages.map { Int64($0.depth) })
        b.append(pages.map { ByteBuffer(bytes: StoreRecords.encode($0.references)) })
        b.append(try pages.map { try StoreRecords.encode($0.outline).map { ByteBuffer(bytes: $0) } ?? ByteBuffer() })
        let subresources = lastByKey(batch.subresourceReferences, key: \.url)
        b.append(subresources.map(\.url))  // $16, $17
        b.append(subresources.map { ByteBuffer(bytes: StoreRecords.encode($0.references)) })
        b.append(batch.skipped.map(\.url))  // $18, $19: the first reason of a URL is kept
        b.append(batch.skipped.map(\.reason.stored))
        let robots = lastByKey(batch.robots, key: \.origin)
        b.append(robots.map(\.origin))  // $20…$22
        b.append(robots.map { ByteBuffer(bytes: StoreRecords.encode($0.resource)) })
        b.append(robots.map { ByteBuffer(bytes: $0.body) })
        // $23, $24: counters of each process; the crawl keeps the largest (the global
        // --max-pages count is pagesAdmitted).
        let counters = [("pagesEnqueued", batch.pagesEnqueued), ("sitemapsRequested", batch.sitemapsRequested),
                        ("pagesPastLimit", batch.pagesPastLimit)].compactMap { name, value in value.map { (name, String($0)) } }
        b.append(counters.map(\.0))
        b.append(counters.map(\.1))
        guard let pageLimit, pageLimit < Int.max, entries.contains(where: { Self.countsAsPage($0.0) }) else {
            return .unlimited(b)
        }
        b.append(Int64(pageLimit))  // $25, $26
        b.append(SkipReason.pastMaxPages(maxPages: pageLimit).stored)
        return .limited(b)
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

/// A batch's rows bound as ``PostgresCrawlStore/statement(for:pageLimit:)`` binds them, and
/// which of the two texts takes them.
enum BatchStatement: Sendable {
    case unlimited(PostgresBindings)
    /// With the `--max-pages` budget for the crawl as a whole.
    case limited(PostgresBindings)

    func run(on session: PostgresSession) async throws {
        switch self {
        case .unlimited(let bindings): _ = try await session.rows(Commit(bindings: bindings))
        case .limited(let bindings): _ = try await session.rows(LimitedCommit(bindings: bindings))
        }
    }

    struct Commit: PostgresPreparedStatement {
        static let name = "assetcrawl_commit"
        static let sql = text(entries: "w_entries AS (\(insertEntries) FROM \(entryRows) ORDER BY n ON CONFLICT (key) DO NOTHING)")
        var bindings: PostgresBindings
        func makeBindings() -> PostgresBindings { bindings }
        func decodeRow(_ row: PostgresRow) throws -> Int32 { try row.decode(Int32.self) }
    }

    struct LimitedCommit: PostgresPreparedStatement {
        static let name = "assetcrawl_commit_limited"
        // Pages new to the crawl, numbered in batch order; those past the budget are skipped.
        static let sql = text(entries: """
            budget AS (SELECT value::bigint AS used FROM assetcrawl_meta WHERE key = 'pagesAdmitted' FOR UPDATE),
            fresh AS (SELECT t.*, d >= 0 AND p = 0 AS counted, sum((d >= 0 AND p = 0)::int) OVER (ORDER BY n) AS r
                      FROM \(entryRows) WHERE NOT EXISTS (SELECT 1 FROM frontier f WHERE f.key = t.k)),
            admitted AS (\(insertEntries) FROM fresh, budget WHERE NOT counted OR r <= $25 - used
                         ORDER BY n ON CONFLICT (key) DO NOTHING RETURNING depth IS NOT NULL AND purpose = 0 AS counted),
            w_past AS (INSERT INTO skipped(url, reason) SELECT u, $26::text
                     FROM fresh, budget WHERE counted AND r > $25 - used ON CONFLICT (url) DO NOTHING),
            w_count AS (UPDATE assetcrawl_meta SET value = ((SELECT used FROM budget) + (SELECT count(*) FROM admitted WHERE counted))::text
                        WHERE key = 'pagesAdmitted')
            """)
        var bindings: PostgresBindings
        func makeBindings() -> PostgresBindings { bindings }
        func decodeRow(_ row: PostgresRow) throws -> Int32 { try row.decode(Int32.self) }
    }

    static let entryRows = """
        unnest($1::text[], $2::text[], $3::text[], $4::int8[], $5::int8[], $6::int8[]) WITH ORDINALITY AS t(k, u, kd, d, p, st, n)
        """
    static let insertEntries = "INSERT INTO frontier(key, url, kind, depth, purpose, urgent, state) SELECT k, u, kd, NULLIF(d, -1), p, p <> 0, st"

    /// The statement, with `entries` the part(s) that insert the frontier entries.
    static func text(entries: String) -> String {
        """
        WITH \(entries),
        w_released AS (UPDATE frontier f SET state = t.st FROM unnest($7::text[], $8::int8[]) AS t(k, st)
            WHERE f.key = t.k AND f.state = 3),
        w_done AS (UPDATE frontier SET state = 2, owner = NULL, lease_until = NULL WHERE id = ANY($9::int8[])),
        w_resources AS (INSERT INTO resources(url, record) SELECT * FROM unnest($10::text[], $11::bytea[])
            ON CONFLICT (url) DO UPDATE SET record = EXCLUDED.record),
        w_pages AS (INSERT INTO pages(url, depth, refs, outline)
            SELECT u, d, r, NULLIF(o, ''::bytea) FROM unnest($12::text[], $13::int8[], $14::bytea[], $15::bytea[]) WITH ORDINALITY AS t(u, d, r, o, n)
            ORDER BY n
            ON CONFLICT (url) DO UPDATE SET depth = EXCLUDED.depth, refs = EXCLUDED.refs, outline = EXCLUDED.outline),
        w_subresources AS (INSERT INTO subresources(url, refs) SELECT * FROM unnest($16::text[], $17::bytea[])
            ON CONFLICT (url) DO UPDATE SET refs = EXCLUDED.refs),
        w_skips AS (INSERT INTO skipped(url, reason) SELECT * FROM unnest($18::text[], $19::text[])
            ON CONFLICT (url) DO NOTHING),
        w_robots AS (INSERT INTO robots(origin, record, body) SELECT * FROM unnest($20::text[], $21::bytea[], $22::bytea[])
            ON CONFLICT (origin) DO UPDATE SET record = EXCLUDED.record, body = EXCLUDED.body),
        w_counters AS (INSERT INTO assetcrawl_meta(key, value) SELECT * FROM unnest($23::text[], $24::text[])
            ON CONFLICT (key) DO UPDATE SET value = GREATEST(assetcrawl_meta.value::bigint, EXCLUDED.value::bigint)::text)
        SELECT 1
        """
    }
}
