public import Foundation

/// A finished crawl read one record at a time: what the streaming reports and per-page audits
/// need, without holding every resource in memory. A `CrawlResult` is one (in memory); a crawl
/// store's reader is another (rows read as they are written out).
public protocol CrawlRecords {
    var startURLs: [String] { get }
    var stopReason: StopReason? { get }
    /// The viewport the browser model assumes (`1280x800@1`); nil means that default.
    var viewport: String? { get }
    var pageCount: Int { get throws }
    var resourceCount: Int { get throws }
    /// Every page, in URL order.
    func forEachPage(_ body: (PageResult) throws -> Void) throws
    /// Every fetched resource, in URL order.
    func forEachResource(_ body: (FetchedResource) throws -> Void) throws
    /// The resource fetched for a referenced URL.
    func resource(_ url: String) throws -> FetchedResource?
    /// References found in the stylesheet or manifest at this final URL.
    func subresourceReferences(_ url: String) throws -> [Reference]?
    /// The URL of every page, in any order (cheaper than ``forEachPage(_:)``).
    func forEachPageURL(_ body: (String) throws -> Void) throws
    /// URLs not fetched, with the reason.
    func skippedURLs() throws -> [String: SkipReason]
    /// When the crawl started (wall clock), when it was recorded; `timings.startedMs` count from it.
    var startedAt: Date? { get }
    /// An empty set of keys for a walk over this crawl that counts each URL once.
    func makeDistinctKeys() -> any DistinctKeys
    /// What the terminal summary counts of every fetched resource, in URL order: a store reads
    /// only those fields of each record, not the whole resource.
    func forEachResourceTally(_ body: (ResourceTally) throws -> Void) throws
}

/// What the terminal summary counts of one fetched resource (``CrawlRecords/forEachResourceTally(_:)``).
public struct ResourceTally: Sendable, Equatable {
    /// ``FetchedResource/failure`` is not nil.
    public var failed: Bool
    /// ``FetchedResource/wireBytes``.
    public var wireBytes: Int
    /// Each probe sent (If-None-Match first): its status, and its verdict followed by its notes.
    public var probes: [Probe]

    public struct Probe: Sendable, Equatable {
        public var status: Int?
        public var verdicts: [RevalidationVerdict]
        public init(status: Int?, verdicts: [RevalidationVerdict]) {
            self.status = status
            self.verdicts = verdicts
        }
    }

    public init(failed: Bool, wireBytes: Int, probes: [Probe]) {
        self.failed = failed
        self.wireBytes = wireBytes
        self.probes = probes
    }

    public init(_ resource: FetchedResource) {
        self.init(failed: resource.failure != nil, wireBytes: resource.wireBytes,
                  probes: (resource.revalidation?.probes ?? []).map { Probe(status: $0.exchange.status, verdicts: [$0.verdict] + $0.notes) })
    }
}

extension CrawlRecords {
    /// Not recorded (an in-memory crawl): the HAR estimates it.
    public var startedAt: Date? { nil }

    /// In memory: a crawl in memory is small enough.
    public func makeDistinctKeys() -> any DistinctKeys { InMemoryKeys() }

    /// From each whole resource.
    public func forEachResourceTally(_ body: (ResourceTally) throws -> Void) throws {
        try forEachResource { try body(ResourceTally($0)) }
    }
}

extension CrawlResult: CrawlRecords {
    public var pageCount: Int { pages.count }
    public var resourceCount: Int { resources.count }

    public func forEachPage(_ body: (PageResult) throws -> Void) throws {
        for page in pages.sorted(by: { $0.url < $1.url }) { try body(page) }
    }

    public func forEachResource(_ body: (FetchedResource) throws -> Void) throws {
        for url in resources.keys.sorted() { try body(resources[url]!) }
    }

    public func resource(_ url: String) -> FetchedResource? { resources[url] }
    public func subresourceReferences(_ url: String) -> [Reference]? { subresourceReferences[url] }
    public func forEachPageURL(_ body: (String) throws -> Void) throws { for page in pages { try body(page.url) } }
    public func skippedURLs() -> [String: SkipReason] { skipped ?? [:] }

    /// The part of a crawl one page's audit needs: the page, every requisite it reaches
    /// (through stylesheets and manifests) and their references.
    public static func slice(of page: PageResult, in records: any CrawlRecords) throws -> CrawlResult {
        var slice = CrawlResult(startURLs: records.startURLs, pages: [page])
        slice.viewport = records.viewport
        if let own = try records.resource(page.url) { slice.resources[page.url] = own }
        var stack = page.references.filter(\.isFetchableRequisite).compactMap(\.url)
        var visited: Set<String> = []
        while let url = stack.popLast() {
            guard visited.insert(url).inserted else { continue }
            let resource = try records.resource(url)
            if let resource { slice.resources[url] = resource }
            let target = resource?.exchange.url ?? url
            guard slice.subresourceReferences[target] == nil, let refs = try records.subresourceReferences(target) else { continue }
            slice.subresourceReferences[target] = refs
            stack += refs.filter(\.isFetchableRequisite).compactMap(\.url)
        }
        return slice
    }
}
