public import CrawlModel
internal import Dispatch
public import Foundation

/// The embedded crawl store: one SQLite file (WAL, `synchronous=NORMAL`, OFF for a temporary
/// store: a killed process loses nothing committed), all of its work on one serial queue of its
/// own, never on the caller's threads or NIO's event loops.
///
/// ```swift
/// let store = try SQLiteCrawlStore(path: "crawl.sqlite")
/// let result = try await store.loadResult()
/// ```
public final class SQLiteCrawlStore: CrawlStore, @unchecked Sendable {
    /// Bumped when the schema changes; a store of another version is refused with a clear error.
    public static let formatVersion = "assetcrawl-store-3"

    public let path: String
    /// True for a store made by ``temporary()``: ``close()`` deletes its files.
    public let isTemporary: Bool
    // Everything below is touched only on `queue`.
    private let queue = DispatchQueue(label: "assetcrawl.store")
    private let db: SQLiteDatabase
    private let statements: Statements
    private let encoder: JSONEncoder
    private let decoder = JSONDecoder()
    /// The benchmark-only switch `ASSETCRAWL_STORE_WRITES=off`: results are not written (the
    /// frontier still is, so the crawl runs the same), to measure what the store costs.
    private let writesResults: Bool

    /// Opens (or creates) the store at `path`.
    public init(path: String, temporary: Bool = false) throws {
        self.path = path
        isTemporary = temporary
        db = try SQLiteDatabase(path: path)
        try Self.prepareSchema(db)
        // A temporary store dies with the process, so it never needs to survive a power cut: no
        // fsync at WAL checkpoints (under disk contention they stalled the crawl loop, which
        // waits for the store's queue before each claim). A named store keeps synchronous=NORMAL.
        // Checkpoints every 16 MB of WAL instead of 4 MB: a quarter as many.
        try db.execute("PRAGMA wal_autocheckpoint=4000" + (temporary ? "; PRAGMA synchronous=OFF" : ""))
        statements = try Statements(db)
        encoder = JSONEncoder()
        writesResults = ProcessInfo.processInfo.environment["ASSETCRAWL_STORE_WRITES"] != "off"
    }

    /// A new store in the temporary folder, deleted by ``close()``.
    public static func temporary() throws -> SQLiteCrawlStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("assetcrawl-\(UUID().uuidString).sqlite").path
        return try SQLiteCrawlStore(path: path, temporary: true)
    }

    /// Deletes the files of a temporary store (the store must not be used afterwards).
    public func close() {
        guard isTemporary else { return }
        queue.sync {
            try? db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Runs `body` on the store's queue.
    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (SQLiteCrawlStore) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body(self) }) }
        }
    }

    static func prepareSchema(_ db: SQLiteDatabase) throws {
        do {
            try db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF")
        } catch let error as StoreError {
            throw StoreError(.notAStore, "\(db.path) is not a crawl store (\(error.message))")
        }
        var tables: [String] = []
        try db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").query { tables.append($0.text(0)) }
        if !tables.isEmpty {
            var version: String?
            if tables.contains("meta") {
                try db.prepare("SELECT value FROM meta WHERE key = 'format'").query { version = $0.text(0) }
            }
            guard version == formatVersion else {
                throw StoreError(.notAStore, "\(db.path) is not a crawl store of this version (\(version ?? "no assetcrawl tables")); give a file written by assetcrawl crawl --store")
            }
            return
        }
        try db.transaction {
            try db.execute("""
                CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE frontier(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, url TEXT NOT NULL,
                    kind TEXT NOT NULL, depth INTEGER, purpose INTEGER NOT NULL, urgent INTEGER NOT NULL, state INTEGER NOT NULL);
                CREATE INDEX frontier_queue ON frontier(urgent DESC, id) WHERE state = 0;
                CREATE INDEX frontier_open ON frontier(state) WHERE state IN (1, 3);
                CREATE TABLE resources(url TEXT PRIMARY KEY, final_url TEXT NOT NULL, kind TEXT NOT NULL, status INTEGER,
                    failed INTEGER NOT NULL, wire_bytes INTEGER NOT NULL, record BLOB NOT NULL);
                CREATE TABLE pages(seq INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, depth INTEGER NOT NULL, refs BLOB NOT NULL, outline BLOB);
                CREATE TABLE subresources(url TEXT PRIMARY KEY, refs BLOB NOT NULL);
                CREATE TABLE skipped(url TEXT PRIMARY KEY, reason TEXT NOT NULL);
                CREATE TABLE robots(origin TEXT PRIMARY KEY, record BLOB NOT NULL, body BLOB NOT NULL);
                INSERT INTO meta(key, value) VALUES ('format', '\(formatVersion)');
                """)
        }
    }

    /// Frontier row states.
    enum State: Int { case queued = 0, claimed = 1, done = 2, parked = 3, dropped = 4 }

    /// The statements of the write path, prepared once.
    final class Statements {
        let insertEntry, release, markDone, putResource, putPage, putSubresource, putSkip, putRobots, putMeta, claim: SQLiteStatement
        init(_ db: SQLiteDatabase) throws {
            insertEntry = try db.prepare("INSERT OR IGNORE INTO frontier(key, url, kind, depth, purpose, urgent, state) VALUES (?, ?, ?, ?, ?, ?, ?)")
            release = try db.prepare("UPDATE frontier SET state = ? WHERE key = ? AND state = 3")
            markDone = try db.prepare("UPDATE frontier SET state = 2 WHERE id = ?")
            putResource = try db.prepare("INSERT OR REPLACE INTO resources(url, final_url, kind, status, failed, wire_bytes, record) VALUES (?, ?, ?, ?, ?, ?, ?)")
            putPage = try db.prepare("INSERT OR REPLACE INTO pages(url, depth, refs, outline) VALUES (?, ?, ?, ?)")
            putSubresource = try db.prepare("INSERT OR REPLACE INTO subresources(url, refs) VALUES (?, ?)")
            putSkip = try db.prepare("INSERT OR IGNORE INTO skipped(url, reason) VALUES (?, ?)")
            putRobots = try db.prepare("INSERT OR REPLACE INTO robots(origin, record, body) VALUES (?, ?, ?)")
            putMeta = try db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")
            claim = try db.prepare("""
                UPDATE frontier SET state = 1 WHERE id IN
                    (SELECT id FROM frontier WHERE state = 0 ORDER BY urgent DESC, id LIMIT ?)
                RETURNING id, url, kind, depth, purpose
                """)
        }
    }

    // MARK: CrawlStore

    public func crawl() async throws -> StoredCrawl? {
        try await onQueue { try $0.readCrawl() }
    }

    func readCrawl() throws -> StoredCrawl? { try Self.readCrawl(from: db, decoder: decoder) }

    /// The crawl recorded in the `meta` table of `db`, or nil when there is none.
    static func readCrawl(from db: SQLiteDatabase, decoder: JSONDecoder) throws -> StoredCrawl? {
        var meta: [String: String] = [:]
        try db.prepare("SELECT key, value FROM meta").query { meta[$0.text(0)] = $0.text(1) }
        return try StoredCrawl(meta: meta)
    }

    public func create(_ crawl: StoredCrawl) async throws {
        try await onQueue { store in
            guard try store.readCrawl() == nil else {
                throw StoreError(.crawlState, "\(store.path) already holds a crawl: continue it with --resume \(store.path), or give a new file")
            }
            try store.db.transaction {
                try store.putMeta("startURLs", store.encodeText(crawl.startURLs))
                try store.putMeta("arguments", store.encodeText(crawl.arguments))
                try store.putMeta("pagesEnqueued", String(crawl.pagesEnqueued))
                try store.putMeta("sitemapsRequested", String(crawl.sitemapsRequested))
                try store.putMeta("stopReason", crawl.stopReason?.stored ?? "")
                try store.putMeta("startedAt", String((crawl.startedAt ?? Date()).timeIntervalSince1970))
            }
        }
    }

    public func commit(_ batch: StoreBatch) async throws {
        guard !batch.isEmpty else { return }
        try await onQueue { try $0.apply(batch) }
    }

    private func apply(_ batch: StoreBatch) throws {
        let s = statements
        try db.transaction {
            for (entries, state) in [(batch.enqueued, State.queued), (batch.parked, State.parked)] {
                for e in entries {
                    try s.insertEntry.run(.text(e.key), .text(e.url), .text(e.kind.rawValue), .optional(e.depth),
                                          .int(e.purpose.rawValue), .int(e.urgent ? 1 : 0), .int(state.rawValue))
                }
            }
            for (key, admitted) in batch.released {
                try s.release.run(.int((admitted ? State.queued : State.dropped).rawValue), .text(key))
            }
            for id in batch.done { try s.markDone.run(.int(Int(id))) }
            if writesResults {
                for r in batch.resources {
                    try s.putResource.run(.text(r.url), .text(r.exchange.url), .text(r.kind.rawValue), .optional(r.exchange.status),
                                          .int(r.failure == nil ? 0 : 1), .int(r.wireBytes), .blob(RecordWriter.encode(r)))
                }
                for p in batch.pages {
                    try s.putPage.run(.text(p.url), .int(p.depth), .blob(RecordWriter.encode(p.references)), PageOutlineCoding.encode(p.outline))
                }
                for (url, refs) in batch.subresourceReferences { try s.putSubresource.run(.text(url), .blob(RecordWriter.encode(refs))) }
            }
            for (url, reason) in batch.skipped { try s.putSkip.run(.text(url), .text(reason.stored)) }
            for r in batch.robots { try s.putRobots.run(.text(r.origin), .blob(RecordWriter.encode(r.resource)), .blob(r.body)) }
            if let n = batch.pagesEnqueued { try putMeta("pagesEnqueued", String(n)) }
            if let n = batch.sitemapsRequested { try putMeta("sitemapsRequested", String(n)) }
            if let n = batch.pagesPastLimit { try putMeta("pagesPastLimit", String(n)) }
        }
    }

    public func claim(limit: Int) async throws -> [FrontierEntry] {
        try await onQueue { store in
            try store.db.transaction {
                var out: [FrontierEntry] = []
                try store.statements.claim.query(.int(limit)) { row in
                    out.append(FrontierEntry(id: Int64(row.int(0)), url: row.text(1), kind: AssetKind(rawValue: row.text(2)) ?? .other,
                                             depth: row.optionalInt(3), purpose: FrontierPurpose(rawValue: row.int(4)) ?? .asset))
                }
                return out.sorted { ($0.urgent ? 0 : 1, $0.id) < ($1.urgent ? 0 : 1, $1.id) }
            }
        }
    }

    public func releaseClaims() async throws {
        try await onQueue { try $0.db.execute("UPDATE frontier SET state = 0 WHERE state = 1") }
    }

    public func seenHashes() async throws -> (frontier: [UInt64], skipped: [UInt64]) {
        try await onQueue { store in
            var frontier: [UInt64] = [], skipped: [UInt64] = []
            try store.db.prepare("SELECT key FROM frontier").query { frontier.append(SeenSet.hash($0.text(0))) }
            try store.db.prepare("SELECT url FROM skipped").query { skipped.append(SeenSet.hash($0.text(0))) }
            return (frontier, skipped)
        }
    }

    public func parked() async throws -> [FrontierEntry] {
        try await onQueue { store in
            var out: [FrontierEntry] = []
            try store.db.prepare("SELECT id, url, kind, depth, purpose FROM frontier WHERE state = 3 ORDER BY id").query { row in
                out.append(FrontierEntry(id: Int64(row.int(0)), url: row.text(1), kind: AssetKind(rawValue: row.text(2)) ?? .other,
                                         depth: row.optionalInt(3), purpose: FrontierPurpose(rawValue: row.int(4)) ?? .asset))
            }
            return out
        }
    }

    public func queryVariants() async throws -> [String: Int] {
        try await onQueue { store in
            let starts = Set(try store.readCrawl()?.startURLs ?? [])
            var counts: [String: Int] = [:]
            // Pages only (purpose 0 with a depth); a start URL at depth 0 is not a trap candidate.
            try store.db.prepare("""
                SELECT substr(url, 1, instr(url, '?') - 1), count(*) FROM frontier
                WHERE purpose = 0 AND depth > 0 AND instr(url, '?') > 0 GROUP BY 1
                """).query { counts[$0.text(0), default: 0] += $0.int(1) }
            try store.db.prepare("SELECT url FROM frontier WHERE purpose = 0 AND depth = 0 AND instr(url, '?') > 0").query { row in
                let url = row.text(0)
                guard !starts.contains(url), let query = url.firstIndex(of: "?") else { return }
                counts[String(url[..<query]), default: 0] += 1
            }
            return counts
        }
    }

    public func robots() async throws -> [RobotsRecord] {
        try await onQueue { store in
            var out: [RobotsRecord] = []
            try store.db.prepare("SELECT origin, record, body FROM robots ORDER BY origin").query { row in
                out.append(RobotsRecord(origin: row.text(0), resource: try RecordReader.resource(row.blob(1)),
                                        body: row.blob(2)))
            }
            return out
        }
    }

    public func pendingCount() async throws -> Int {
        try await onQueue { store in
            var n = 0
            try store.db.prepare("SELECT count(*) FROM frontier WHERE state IN (0, 1, 3)").query { n = $0.int(0) }
            return n
        }
    }

    public func finish(stopReason: StopReason?) async throws {
        try await onQueue { store in
            try store.db.transaction { try store.putMeta("stopReason", stopReason?.stored ?? "") }
            try? store.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        }
    }

    public func loadResult() async throws -> CrawlResult {
        try await onQueue { try $0.readResult() }
    }

    // MARK: Helpers (on the queue)

    private func putMeta(_ key: String, _ value: String) throws {
        try statements.putMeta.run(.text(key), .text(value))
    }

    func encodeText<T: Encodable>(_ value: T) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    var database: SQLiteDatabase { db }
}
