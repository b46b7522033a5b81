public import CrawlModel
public import Foundation

/// Where a crawl lives while it runs and after it ends: its frontier, seen set, every exchange
/// and probe, the references of pages and subresources, robots.txt answers, skips, the stop
/// reason and the options it was started with.
///
/// The crawl loop keeps only a window of claimed work, a compact seen set and what is in
/// flight; everything else is here, written in batches (``commit(_:)``), so a crawl of any
/// size runs in bounded memory and a crawl stopped by anything (SIGKILL included) resumes.
///
/// The protocol is shaped for a shared store too (PostgreSQL, several workers): work is
/// *claimed* in batches (``claim(limit:)``, a lease in a shared store, `FOR UPDATE SKIP
/// LOCKED`), finished work is marked done in the same transaction as its results, and
/// ``releaseClaims()`` puts back what a dead process held. Implementations are `Sendable` and
/// do their blocking work off the caller's threads (never on NIO's event loops).
public protocol CrawlStore: Sendable {
    /// The crawl in the store, or nil when it is empty.
    func crawl() async throws -> StoredCrawl?

    /// Records a new crawl (and its ``StoredCrawl/startedAt``, now when nil); throws when the store already holds one.
    func create(_ crawl: StoredCrawl) async throws

    /// Applies a batch in one transaction: new frontier rows, finished work and its results.
    func commit(_ batch: StoreBatch) async throws

    /// Takes up to `limit` queued entries, robots.txt and sitemaps first, then in the order
    /// they were enqueued (breadth first), and marks them claimed.
    func claim(limit: Int) async throws -> [FrontierEntry]

    /// Puts claimed but unfinished work back in the queue (the process that held it is gone).
    func releaseClaims() async throws

    /// Hashes (``SeenSet/hash(_:)``) of every frontier key and of every skipped URL, to rebuild
    /// the in-memory seen sets on resume.
    func seenHashes() async throws -> (frontier: [UInt64], skipped: [UInt64])

    /// Pages waiting for their origin's robots.txt.
    func parked() async throws -> [FrontierEntry]

    /// For each path (a page URL before its `?`), how many page URLs with a query string on it
    /// the frontier holds, start URLs left out: the crawler-trap counts of `--max-query-variants`,
    /// restored on resume so the limit holds across one.
    func queryVariants() async throws -> [String: Int]

    /// robots.txt answers recorded so far.
    func robots() async throws -> [RobotsRecord]

    /// Entries queued, claimed and parked.
    func pendingCount() async throws -> Int

    /// Records why the crawl stopped (nil: it completed), as ``StopReason/stored``.
    func finish(stopReason: StopReason?) async throws

    /// Everything stored, as one in-memory result (small crawls, tests).
    func loadResult() async throws -> CrawlResult
}

extension CrawlStore {
    /// None: a store that does not implement it resumes with the trap counts at zero.
    public func queryVariants() async throws -> [String: Int] { [:] }
}

/// A crawl's identity and the options it was started with.
public struct StoredCrawl: Sendable, Equatable {
    public var startURLs: [String]
    /// The command line that started the crawl, to resume it with the same options.
    public var arguments: [String]
    public var stopReason: StopReason?
    /// Pages admitted to the frontier so far (the `--max-pages` budget).
    public var pagesEnqueued: Int
    public var sitemapsRequested: Int
    /// Pages found and not crawled because of `--max-pages`.
    public var pagesPastLimit: Int
    /// When the crawl started (wall clock): exchanges' `timings.startedMs` count from it, across
    /// resumes too. A store sets it in ``CrawlStore/create(_:)`` when it is nil; nil when read
    /// from a store written before it was recorded (the HAR then estimates it).
    public var startedAt: Date?

    public init(startURLs: [String], arguments: [String] = [], stopReason: StopReason? = nil, pagesEnqueued: Int = 0,
                sitemapsRequested: Int = 0, pagesPastLimit: Int = 0, startedAt: Date? = nil) {
        self.pagesPastLimit = pagesPastLimit
        self.startedAt = startedAt
        self.startURLs = startURLs
        self.arguments = arguments
        self.stopReason = stopReason
        self.pagesEnqueued = pagesEnqueued
        self.sitemapsRequested = sitemapsRequested
    }
}

/// What a frontier entry is fetched for.
public enum FrontierPurpose: Int, Sendable {
    case asset = 0, robots = 1, sitemap = 2
}

/// One URL in the frontier.
public struct FrontierEntry: Sendable, Equatable {
    /// Assigned by the store; 0 for an entry not stored yet.
    public var id: Int64
    public var url: String
    public var kind: AssetKind
    /// Navigation depth of a page; nil for requisites.
    public var depth: Int?
    public var purpose: FrontierPurpose

    public init(id: Int64 = 0, url: String, kind: AssetKind, depth: Int?, purpose: FrontierPurpose) {
        self.id = id
        self.url = url
        self.kind = kind
        self.depth = depth
        self.purpose = purpose
    }

    /// The dedupe key: the URL, prefixed for robots.txt and sitemap fetches (a sitemap may
    /// also be a page).
    public var key: String {
        switch purpose {
        case .asset: url
        case .robots: "robots " + url
        case .sitemap: "sitemap " + url
        }
    }

    /// robots.txt and sitemaps gate other work: they are claimed first.
    public var urgent: Bool { purpose != .asset }
}

/// A robots.txt answer for one origin, as fetched (the crawler derives the rules from it).
public struct RobotsRecord: Sendable {
    public var origin: String
    public var resource: FetchedResource
    public var body: [UInt8]

    public init(origin: String, resource: FetchedResource, body: [UInt8]) {
        self.origin = origin
        self.resource = resource
        self.body = body
    }
}

/// Everything one step of the crawl loop changed, applied by ``CrawlStore/commit(_:)`` in one
/// transaction, so the store never holds a result without the frontier entries it led to.
public struct StoreBatch: Sendable {
    /// New frontier entries (duplicates of stored keys are ignored).
    public var enqueued: [FrontierEntry] = []
    /// New entries parked until their origin's robots.txt is known.
    public var parked: [FrontierEntry] = []
    /// Parked entries (by key) released: admitted to the queue, or dropped (robots.txt).
    public var released: [(key: String, admitted: Bool)] = []
    /// Claimed entries that finished.
    public var done: [Int64] = []
    public var resources: [FetchedResource] = []
    public var pages: [PageResult] = []
    /// References found in fetched stylesheets and manifests, by final URL.
    public var subresourceReferences: [(url: String, references: [Reference])] = []
    /// URLs not fetched, with the reason (the first reason of a URL is kept).
    public var skipped: [(url: String, reason: SkipReason)] = []
    public var robots: [RobotsRecord] = []
    public var pagesEnqueued: Int?
    public var sitemapsRequested: Int?
    public var pagesPastLimit: Int?

    public init() {}

    public var isEmpty: Bool {
        enqueued.isEmpty && parked.isEmpty && released.isEmpty && done.isEmpty && resources.isEmpty && pages.isEmpty
            && subresourceReferences.isEmpty && skipped.isEmpty && robots.isEmpty && pagesEnqueued == nil
            && sitemapsRequested == nil && pagesPastLimit == nil
    }

    /// Results waiting in the batch (what a kill before the commit would lose).
    public var outcomes: Int { done.count }
}
