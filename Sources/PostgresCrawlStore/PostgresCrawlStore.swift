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
    /// This process's name in `frontier.owner` and `host_slots.holder`.
    public let owner: String
    let session: PostgresSession
    /// A second connection for lease renewal and politeness, never behind a long commit.
    let background: PostgresSession
    let logger: Logger
    private let renewal = Mutex<Task<Void, Never>?>(nil)

    public var claimWindow: Int { 32 }
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
        renewal.withLock { $0?.cancel() }
        await session.close()
        await background.close()
    }

    /// Renews this process's claims and host slots every third of the lease.
    private func startRenewal() {
        let period = location.lease / 3
        let task = Task { [background, owner, leaseMilliseconds, logger] in
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: period)
                    try await background.locked { s in
                        try await s.run("""
                            UPDATE frontier SET lease_until = now() + \(leaseMilliseconds) * interval '1 millisecond'
                            WHERE state = 1 AND owner = \(owner)
                            """)
                        try await s.run("""
                            UPDATE host_slots SET lease_until = now() + \(leaseMilliseconds) * interval '1 millisecond'
                            WHERE holder = \(owner)
                            """)
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
                                            ("sitemapsRequested", String(crawl.sitemapsRequested)), ("stopReason", crawl.stopReason?.stored ?? ""),
                                            ("startedAt", String((crawl.startedAt ?? Date()).timeIntervalSince1970))]
            try await s.run("INSERT INTO assetcrawl_meta(key, value) SELECT * FROM unnest(\(rows.map(\.0)), \(rows.map(\.1)))")
        }
    }

    public func commit(_ batch: StoreBatch) async throws {
        guard !batch.isEmpty else { return }
        try await session.transaction { s in try await Self.apply(batch, in: s) }
    }

    public func claim(limit: Int) async throws -> [FrontierEntry] {
        try await session.locked { [owner, leaseMilliseconds] s in
            // Claims whose process stopped renewing them go back to the queue first.
            try await s.run("UPDATE frontier SET state = 0, owner = NULL, lease_until = NULL WHERE state = 1 AND lease_until < now()")
            var out: [FrontierEntry] = []
            let rows = try await s.rows("""
                UPDATE frontier f SET state = 1, owner = \(owner), lease_until = now() + \(leaseMilliseconds) * interval '1 millisecond'
                FROM (SELECT id FROM frontier WHERE state = 0 ORDER BY urgent DESC, id LIMIT \(limit) FOR UPDATE SKIP LOCKED) c
                WHERE f.id = c.id
                RETURNING f.id, f.url, f.kind, f.depth, f.purpose
                """)
            for try await (id, url, kind, depth, purpose) in rows.decode((Int64, String, String, Int?, Int16).self) {
                out.append(FrontierEntry(id: id, url: url, kind: AssetKind(rawValue: kind) ?? .other, depth: depth,
                                         purpose: FrontierPurpose(rawValue: Int(purpose)) ?? .asset))
            }
            return out.sorted { ($0.urgent ? 0 : 1, $0.id) < ($1.urgent ? 0 : 1, $1.id) }
        }
    }

    /// Nothing to do: other processes may hold live claims, and expired ones are taken back by ``claim(limit:)``.
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
            var n = 0
            for try await count in try await s.rows("SELECT count(*) FROM frontier WHERE state IN (0, 1, 3)").decode(Int.self) { n = count }
            return n
        }
    }

    public func finish(stopReason: StopReason?) async throws {
        try await session.locked { s in
            try await s.run("""
                INSERT INTO assetcrawl_meta(key, value) VALUES ('stopReason', \(stopReason?.stored ?? ""))
                ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
                """)
        }
    }

    public func markUnfinished(_ reason: StopReason) async throws {
        // Race-free: once nothing is queued, claimed or parked, nothing can be again.
        try await session.locked { s in
            try await s.run("""
                UPDATE assetcrawl_meta SET value = \(reason.stored)
                WHERE key = 'stopReason' AND EXISTS (SELECT 1 FROM frontier WHERE state IN (0, 1, 3))
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
