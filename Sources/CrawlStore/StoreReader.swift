public import CrawlModel
public import Foundation

/// Reads a stored crawl row by row for the reports (``CrawlRecords``), on its own connection,
/// on the caller's thread: pages and resources come in URL order (`ORDER BY url`), one at a
/// time, so a report of a million URLs holds one row, plus a bounded cache of the requisites
/// that many pages share.
public final class StoreReader: CrawlRecords {
    public let startURLs: [String]
    public let stopReason: StopReason?
    public let startedAt: Date?
    /// The viewport the reports' browser model assumes; set by the caller (a crawl option, not stored).
    public var viewport: String?
    private let db: SQLiteDatabase
    private let resourceByURL, referencesByURL: SQLiteStatement
    private var resourceCache: [String: FetchedResource?] = [:]
    private var referencesCache: [String: [Reference]?] = [:]
    /// Entries kept per cache; past it the cache starts over (shared stylesheets come back at once).
    static let cacheLimit = 4096
    /// Keys a walk's set (``makeDistinctKeys()``) keeps in memory before it moves them to a scratch file.
    public var keysInMemory = 16_384

    /// Opens the store at `path` for reading.
    public init(path: String) throws {
        db = try SQLiteDatabase(path: path)
        try SQLiteCrawlStore.prepareSchema(db)
        guard let crawl = try SQLiteCrawlStore.readCrawl(from: db, decoder: JSONDecoder()) else {
            throw StoreError(.crawlState, "\(path) holds no crawl; write one with assetcrawl crawl URL --store \(path)")
        }
        startURLs = crawl.startURLs
        stopReason = crawl.stopReason
        startedAt = crawl.startedAt
        resourceByURL = try db.prepare("SELECT record FROM resources WHERE url = ?")
        referencesByURL = try db.prepare("SELECT refs FROM subresources WHERE url = ?")
    }

    private func count(_ table: String) throws -> Int {
        var n = 0
        try db.prepare("SELECT count(*) FROM \(table)").query { n = $0.int(0) }
        return n
    }

    public var pageCount: Int { get throws { try count("pages") } }
    public var resourceCount: Int { get throws { try count("resources") } }

    public func forEachPage(_ body: (PageResult) throws -> Void) throws {
        try db.prepare("SELECT url, depth, refs, outline FROM pages ORDER BY url").query { row in
            try body(PageResult(url: row.text(0), depth: row.int(1), references: try RecordReader.references(row.blob(2)),
                                     outline: try PageOutlineCoding.decode(row, column: 3)))
        }
    }

    public func forEachResource(_ body: (FetchedResource) throws -> Void) throws {
        try db.prepare("SELECT record FROM resources ORDER BY url").query { row in
            try body(try RecordReader.resource(row.blob(0)))
        }
    }

    /// Only the counted fields of each record are read (``RecordReader/tally(_:)``): no string,
    /// header or exchange of it is made.
    public func forEachResourceTally(_ body: (ResourceTally) throws -> Void) throws {
        try db.prepare("SELECT record FROM resources ORDER BY url").query { row in
            try body(try RecordReader.tally(row.blob(0)))
        }
    }

    public func forEachPageURL(_ body: (String) throws -> Void) throws {
        try db.prepare("SELECT url FROM pages").query { try body($0.text(0)) }
    }

    public func resource(_ url: String) throws -> FetchedResource? {
        if let cached = resourceCache[url] { return cached }
        var found: FetchedResource?
        try resourceByURL.query(.text(url)) { found = try RecordReader.resource($0.blob(0)) }
        if resourceCache.count >= Self.cacheLimit { resourceCache.removeAll(keepingCapacity: true) }
        resourceCache[url] = .some(found)
        return found
    }

    public func subresourceReferences(_ url: String) throws -> [Reference]? {
        if let cached = referencesCache[url] { return cached }
        var found: [Reference]?
        try referencesByURL.query(.text(url)) { found = try RecordReader.references($0.blob(0)) }
        if referencesCache.count >= Self.cacheLimit { referencesCache.removeAll(keepingCapacity: true) }
        referencesCache[url] = .some(found)
        return found
    }

    /// Why one URL was not fetched, or nil: one row, not the whole `skipped` table.
    public func skipReason(_ url: String) throws -> SkipReason? {
        var reason: SkipReason?
        try db.prepare("SELECT reason FROM skipped WHERE url = ?").query(.text(url)) { reason = SkipReason(stored: $0.text(0)) }
        return reason
    }

    /// Distinct keys that move to a scratch file past ``keysInMemory``: a walk over a million
    /// URLs holds none of them in memory.
    public func makeDistinctKeys() -> any DistinctKeys { ScratchKeys(memoryLimit: keysInMemory) }

    public func skippedURLs() throws -> [String: SkipReason] {
        var out: [String: SkipReason] = [:]
        try db.prepare("SELECT url, reason FROM skipped").query { out[$0.text(0)] = SkipReason(stored: $0.text(1)) }
        return out
    }
}
