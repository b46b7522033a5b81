public import CrawlModel
public import CrawlStore
internal import Foundation
public import Logging
internal import NIOCore
internal import PostgresNIO
internal import Synchronization

/// A crawl store in PostgreSQL, shared by any number of processes on any number of machines
/// (``SharedCrawlStore``): the frontier, seen set, results, robots.txt answers and politeness
/// state are rows; each process claims work in small batches under a lease
/// (`SELECT … FOR UPDATE SKIP LOCKED`) that a background task renews every third of its
/// length while the process lives. A process killed with work claimed stops renewing; its
/// claims expire and go back to the queue, so a URL is fetched twice only when its process
/// died with it in flight.
///
/// Records are the same binary rows as the SQLite store's; reports read the crawl through a
/// copy in a temporary SQLite store (``export(to:)``), the one reading path of the reports.
///
/// ```swift
/// let store = try await PostgresCrawlStore.open(try PostgresLocation(parsing: "postgresql://crawler@db:5432/crawl"))
/// defer { Task { await store.close() } }
/// ```
public final class PostgresCrawlStore: SharedCrawlStore, @unchecked Sendable {
    public let location: PostgresLocation
    /// This process's name in `workers`, `queue.owner` and `host_slots.holder`.
    public let owner: String
    let session: PostgresSession
    /// A second connection for lease renewal, politeness and the claim ahead, never behind a long commit.
    let background: PostgresSession
    let logger: Logger
    private let renewal = Mutex<Task<Void, Never>?>(nil)
    /// The next window, claimed while this one is fetched (see ``claim(limit:)``).
    let prefetched = Mutex<(task: Task<[FrontierEntry], any Error>?, urgentQueued: Bool)>((nil, false))
    private let settings = Mutex<(pageLimit: Int?, window: Int)>((nil, 32))

    /// Entries claimed at a time: 4 × `--concurrency` (``configure(pageLimit:concurrency:)``),
    /// so that a claim (one round trip) comes once per 3 × concurrency fetches, and few enough
    /// that a small crawl still spreads over its processes and that a killed process's claims
    /// (fetched again after the lease) stay few.
    public var claimWindow: Int { settings.withLock { $0.window } }
    public var pollInterval: Duration { .milliseconds(100) }
    var leaseMilliseconds: Int { Int(location.lease.components.seconds * 1000 + location.lease.components.attoseconds / 1_000_000_000_000_000) }

    private init(location: PostgresLocation, session: PostgresSession, background: PostgresSession, logger: Logger) {
        self.location = location
        self.session = session
        self.background = background
        self.logger = logger
        let host = ProcessInfo.processInfo.hostName
        owner = "\(host):\(getpid()):\(UUID().uuidString.prefix(8))"
    }

    /// Connects, creates or migrates the schema, and starts renewing this process's leases.
    /// - Throws: ``PostgresStoreError`` (unreachable, refused credentials, another tool's tables).
    public static func open(_ location: PostgresLocation, logger: Logger = Logger(label: "assetcrawl.postgres", factory: { _ in SwiftLogNoOpLogHandler() })) async throws -> PostgresCrawlStore {
        let session = try await PostgresSession.connect(location, logger: logger)
        do {
            try await prepareSchema(session, location: location)
            let background = try await PostgresSession.connect(location, logger: logger)
            let store = PostgresCrawlStore(location: location, session: session, background: background, logger: logger)
            store.startRenewal()
            return store
        } catch {
            await session.close()
            throw error
        }
    }

    /// Stops renewing leases and closes the connections (claims still held then expire).
    public func close() async {
        await releasePrefetched()
        renewal.withLock { $0?.cancel() }
        await session.close()
        await background.close()
    }

    /// Set by each process from the crawl's options: `--max-pages` for the crawl as a whole (the
    /// pages all processes admit together, see ``statement(for:pageLimit:)``), and this
    /// process's `--concurrency`, which sizes its claims.
    public func configure(pageLimit: Int, concurrency: Int) {
        settings.withLock { $0 = (pageLimit < Int.max ? pageLimit : nil, min(256, 4 * max(1, concurrency))) }
    }

    var pageLimit: Int? { settings.withLock { $0.pageLimit } }

    /// Renews this process's claims and host slots every third of the lease, and puts claims
    /// whose process stopped renewing them back in the queue.
    private func startRenewal() {
        let period = location.lease / 3
        let task = Task { [background, owner, leaseMilliseconds, logger] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: period)
                    try await background.locked { s in
                        try await s.run("""
                            INSERT INTO workers(owner, lease_until) VALUES (\(owner), now() + \(leaseMilliseconds) * interval '1 millisecond')
                            ON CONFLICT (owner) DO UPDATE SET lease_until = EXCLUDED.lease_until
                            """)
                        try await s.run("""
                            UPDATE host_slots SET lease_until = now() + \(leaseMilliseconds) * interval '1 millisecond'
                            WHERE holder = \(owner)
                            """)
                        try await s.run("""
                            UPDATE host_pace SET lease_until = now() + \(leaseMilliseconds) * interval '1 millisecond'
                            WHERE holder = \(owner)
                            """)
                        try await Self.expireClaims(s)
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("lease renewal failed", metadata: ["error": "\(error)"])
                }
            }
        }
        renewal.withLock { $0 = task }
    }

    // MARK: CrawlStore

    public func crawl() async throws -> StoredCrawl? {
        try await session.locked { try await Self.readCrawl($0) }
    }

    static func readCrawl(_ session: PostgresSession) async throws -> StoredCrawl? {
        var meta: [String: String] = [:]
        for try await (key, value) in try await session.rows("SELECT key, value FROM assetcrawl_meta").decode((String, String).self) {
            meta[key] = value
        }
        return try StoredCrawl(meta: meta)
    }

    public func create(_ crawl: StoredCrawl) async throws {
        let text = { (list: [String]) in String(decoding: try JSONEncoder().encode(list), as: UTF8.self) }
        let starts = try text(crawl.startURLs), arguments = try text(crawl.arguments)
        try await session.transaction { [location] s in
            try await s.run("LOCK TABLE assetcrawl_meta IN EXCLUSIVE MODE")
            guard try await Self.readCrawl(s) == nil else {
                throw PostgresStoreError(.notAStore, "\(location) already holds a crawl: join it with assetcrawl worker \(location), report it with assetcrawl report \(location), or give another database or ?schema=NAME")
            }
            let rows: [(String, String)] = [("startURLs", starts), ("arguments", arguments), ("pagesEnqueued", String(crawl.pagesEnqueued)),
                                            ("pagesAdmitted", String(crawl.pagesEnqueued)),
                                            ("sitemapsRequested", String(crawl.sitemapsRequested)), ("stopReason", crawl.stopReason?.stored ?? ""),
                                            ("startedAt", String((crawl.startedAt ?? Date()).timeIntervalSince1970))]
            // pagesAdmitted is there already (migration 2).
            try await s.run("""
                INSERT INTO assetcrawl_meta(key, value) SELECT * FROM unnest(\(rows.map(\.0)), \(rows.map(\.1)))
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                """)
        }
    }

    public func commit(_ batch: StoreBatch) async throws {
        guard let statement = try Self.statement(for: batch, pageLimit: pageLimit) else { return }
        // Sent without waiting for the answer: the crawl loop goes on (a claim on this
        // connection runs after it). A kill may then lose this batch and the two before.
        try await session.write(statement)
        // robots.txt and sitemaps go before anything claimed ahead.
        if batch.enqueued.contains(where: \.urgent) { prefetched.withLock { $0.urgentQueued = true } }
    }

    /// Claims whose process stopped renewing its lease go back to the queue, in one statement
    /// (a process that dies in between leaves no claim without a lease). `queue.owner` has no
    /// index (claims are HOT updates), so the queue is read only when some lease ran out: the
    /// uncorrelated `EXISTS` is a one-time filter above the scan.
    static func expireClaims(_ s: PostgresSession) async throws {
        try await s.run("""
            WITH gone AS (DELETE FROM workers WHERE lease_until < now() RETURNING owner)
            UPDATE queue SET owner = NULL WHERE EXISTS (SELECT 1 FROM gone) AND owner IN (SELECT owner FROM gone)
            """)
    }

    /// Nothing to do: other processes may hold live claims, and expired ones are taken back by the renewal task and ``pendingCount()``.
    public func releaseClaims() async throws {}

    public func seenHashes() async throws -> (frontier: [UInt64], skipped: [UInt64]) {
        try await session.locked { s in
            var frontier: [UInt64] = [], skipped: [UInt64] = []
            for try await key in try await s.rows("SELECT key FROM frontier").decode(String.self) { frontier.append(SeenSet.hash(key)) }
            for try await url in try await s.rows("SELECT url FROM skipped").decode(String.self) { skipped.append(SeenSet.hash(url)) }
            return (frontier, skipped)
        }
    }

    public func parked() async throws -> [FrontierEntry] {
        try await session.locked { s in
            var out: [FrontierEntry] = []
            let rows = try await s.rows("SELECT id, url, kind, depth, purpose FROM frontier WHERE state = 3 ORDER BY id")
            for try await (id, url, kind, depth, purpose) in rows.decode((Int64, String, String, Int?, Int16).self) {
                out.append(FrontierEntry(id: id, url: url, kind: AssetKind(rawValue: kind) ?? .other, depth: depth,
                                         purpose: FrontierPurpose(rawValue: Int(purpose)) ?? .asset))
            }
            return out
        }
    }

    public func robots() async throws -> [RobotsRecord] {
        try await session.locked { s in
            var out: [RobotsRecord] = []
            for try await (origin, record, body) in try await s.rows("SELECT origin, record, body FROM robots ORDER BY origin")
                .decode((String, ByteBuffer, ByteBuffer).self) {
                out.append(RobotsRecord(origin: origin, resource: try StoreRecords.resource(record.bytes), body: body.bytes))
            }
            return out
        }
    }

    public func pendingCount() async throws -> Int {
        try await session.locked { s in
            try await Self.expireClaims(s)
            var n = 0
            for try await count in try await s.rows("SELECT (SELECT count(*) FROM queue) + (SELECT count(*) FROM frontier WHERE state = 3)")
                .decode(Int.self) { n = count }
            return n
        }
    }

    /// Records why the crawl stopped. With a ``configure(pageLimit:concurrency:)`` budget, a crawl that completed
    /// (or stopped at this process's own count) says how many pages all processes together
    /// left out, as one process would.
    public func finish(stopReason: StopReason?) async throws {
        let limit = pageLimit
        try await session.locked { s in
            var reason = stopReason
            let stoppedAtOwnCount = if case .maxPages = reason { true } else { false }
            if let limit, reason == nil || stoppedAtOwnCount {
                var left = 0
                let past = SkipReason.pastMaxPages(maxPages: limit).stored
                for try await n in try await s.rows("SELECT count(*) FROM skipped WHERE reason = \(past)").decode(Int.self) { left = n }
                if left > 0 {
                    reason = StopReason.maxPages(limit: limit, pagesLeft: left)
                    try await s.run("""
                        INSERT INTO assetcrawl_meta(key, value) VALUES ('pagesPastLimit', \(String(left)))
                        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                        """)
                }
            }
            try await s.run("""
                INSERT INTO assetcrawl_meta(key, value) VALUES ('stopReason', \(reason?.stored ?? ""))
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                """)
        }
    }

    public func markUnfinished(_ reason: StopReason) async throws {
        // Race-free: once nothing is queued, claimed or parked, nothing can be again.
        try await session.locked { s in
            try await s.run("""
                UPDATE assetcrawl_meta SET value = \(reason.stored)
                WHERE key = 'stopReason' AND (EXISTS (SELECT 1 FROM queue) OR EXISTS (SELECT 1 FROM frontier WHERE state = 3))
                """)
        }
    }

    public func loadResult() async throws -> CrawlResult {
        let copy = try SQLiteCrawlStore.temporary()
        defer { copy.close() }
        try await export(to: copy)
        return try await copy.loadResult()
    }
}
