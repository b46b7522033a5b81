internal import CrawlModel
internal import CrawlStore
internal import Foundation

/// The crawl's scope, seen set and frontier window: a plain value owned by the crawl loop, so
/// it needs no lock. Pure: it decides what to fetch next and what to store, the loop does the
/// fetching and hands ``batch`` to the store.
///
/// Memory is bounded: the frontier lives in the store and only a window of claimed entries is
/// here, URLs are remembered as 64-bit hashes (``SeenSet``), results leave with the batch.
struct CrawlState {
    let configuration: CrawlConfiguration
    let startOrigins: Set<String>
    private let include: [NSRegularExpression]
    private let exclude: [NSRegularExpression]
    /// Entries claimed from the store, in the order to fetch them.
    private var window: [Crawler.Job] = []
    private var head = 0
    private var seen = SeenSet()
    /// URLs already recorded as skipped: a link on every page to an excluded URL is stored once.
    private var skippedSeen = SeenSet()
    private var pagesEnqueued = 0
    /// Pages found and not crawled because of `--max-pages`.
    private(set) var pagesPastLimit = 0
    /// Distinct query strings seen per path (by hash of the URL before `?`), for the trap guard.
    private var queryVariants: [UInt64: Int] = [:]
    /// robots.txt rules by origin, once known.
    private(set) var robots: [String: RobotsRules] = [:]
    /// Pages waiting for their origin's robots.txt.
    private var awaitingRobots: [String: [Crawler.Job]] = [:]
    private var sitemapsRequested = 0
    /// What each page has spent of ``PageLimits``, by hash of the page's URL, kept while
    /// documents it led to (stylesheets, frames, manifests) are still to be fetched.
    private var budgets: [UInt64: PageBudget] = [:]
    /// The page each requisite document in the queue counts against (by URL hash).
    private var owners: [UInt64: UInt64] = [:]
    static let maxSitemaps = 50
    /// What to write to the store next.
    private(set) var batch = StoreBatch()
    /// Entries in the store (or in the batch) not claimed yet.
    private(set) var storeQueued = 0
    /// The batch holds robots.txt or sitemap entries, which should be claimed before anything else.
    private(set) var urgentPending = false

    init(configuration: CrawlConfiguration) {
        self.configuration = configuration
        startOrigins = Set(configuration.startURLs.map(WebURL.origin))
        include = configuration.include.compactMap { try? NSRegularExpression(pattern: $0) }
        exclude = configuration.exclude.compactMap { try? NSRegularExpression(pattern: $0) }
    }

    /// URLs waiting to be fetched (parked ones included).
    var queued: Int { window.count - head + storeQueued + awaitingRobots.values.reduce(0) { $0 + $1.count } }

    /// Claimed entries not handed out yet.
    var windowCount: Int { window.count - head }

    mutating func nextJob() -> Crawler.Job? {
        guard head < window.count else { return nil }
        defer {
            head += 1
            if head > 1024, head * 2 > window.count { window.removeFirst(head); head = 0 }
        }
        return window[head]
    }

    /// Takes the batch to commit, with the frontier budget counters.
    mutating func takeBatch() -> StoreBatch {
        var out = batch
        out.pagesEnqueued = pagesEnqueued
        out.sitemapsRequested = sitemapsRequested
        out.pagesPastLimit = pagesPastLimit
        batch = StoreBatch()
        urgentPending = false
        return out
    }

    /// Entries claimed from the store (after ``takeBatch()`` was committed); robots.txt and
    /// sitemaps go before the rest of the window.
    mutating func claimed(_ entries: [FrontierEntry], asked: Int) {
        storeQueued = entries.count < asked ? 0 : max(0, storeQueued - entries.count)
        let jobs = entries.compactMap(Crawler.Job.init)
        let urgent = jobs.filter { $0.purpose != .asset }
        if urgent.isEmpty {
            window.append(contentsOf: jobs)
        } else {
            window = urgent + window[head...] + jobs.filter { $0.purpose == .asset }
            head = 0
        }
    }

    /// Seeds: the start URLs, and with `useSitemap` each start origin's sitemap.
    mutating func seed() {
        for url in configuration.startURLs { enqueuePage(url, depth: 0) }
        if configuration.useSitemap, !configuration.respectRobots {
            for origin in startOrigins.sorted() { requestSitemaps(origin: origin, listed: []) }
        }
    }

    /// Picks up a crawl from its store: seen sets, budgets, robots rules and parked pages.
    /// `queryVariants`: the trap counts by path (``CrawlStore/queryVariants()``).
    mutating func restore(_ crawl: StoredCrawl, hashes: (frontier: [UInt64], skipped: [UInt64]), parked: [FrontierEntry],
                          robots: [String: RobotsRules], queued: Int, queryVariants: [String: Int] = [:]) {
        seen = SeenSet(hashes: hashes.frontier)
        self.queryVariants = Dictionary(queryVariants.map { (SeenSet.hash($0.key), $0.value) }, uniquingKeysWith: +)
        skippedSeen = SeenSet(hashes: hashes.skipped)
        pagesEnqueued = crawl.pagesEnqueued
        sitemapsRequested = crawl.sitemapsRequested
        pagesPastLimit = crawl.pagesPastLimit
        self.robots = robots
        for entry in parked {
            guard let job = Crawler.Job(entry) else { continue }
            awaitingRobots[WebURL.origin(of: job.url), default: []].append(job)
        }
        storeQueued = max(0, queued - parked.count)
    }

    /// Marks a URL skipped, keeping the first reason.
    private mutating func skip(_ url: URL, _ reason: SkipReason) {
        let key = url.absoluteString
        guard skippedSeen.insert(key) else { return }
        if case .pastMaxPages = reason { pagesPastLimit += 1 }
        batch.skipped.append((key, reason))
    }

    func matchesFilters(_ url: String) -> SkipReason? {
        let range = NSRange(url.startIndex..., in: url)
        if !include.isEmpty, !include.contains(where: { $0.firstMatch(in: url, range: range) != nil }) { return .notIncluded }
        if exclude.contains(where: { $0.firstMatch(in: url, range: range) != nil }) { return .excluded }
        return nil
    }

    /// Crawler traps: a URL too long, a path segment repeated, too many query strings on one path.
    mutating func trap(_ url: URL, key: String) -> SkipReason? {
        let limits = configuration.traps
        if key.utf8.count > limits.maxURLLength { return .urlTooLong(limit: limits.maxURLLength) }
        var counts: [Substring: Int] = [:]
        for segment in url.path.split(separator: "/") {
            counts[segment, default: 0] += 1
            if counts[segment]! >= limits.maxSegmentRepeats { return .repeatingSegments(segment: String(segment), times: counts[segment]!) }
        }
        guard url.query != nil, let queryAt = key.firstIndex(of: "?") else { return nil }
        let path = String(key[..<queryAt])
        let variants = queryVariants[SeenSet.hash(path), default: 0]
        if variants >= limits.maxQueryVariants { return .queryExplosion(path: path, limit: limits.maxQueryVariants) }
        queryVariants[SeenSet.hash(path)] = variants + 1
        return nil
    }

    private mutating func enqueue(_ job: Crawler.Job) {
        batch.enqueued.append(job.entry)
        storeQueued += 1
        if job.purpose != .asset { urgentPending = true }
    }

    mutating func enqueuePage(_ url: URL, depth: Int) {
        let origin = WebURL.origin(of: url)
        guard startOrigins.contains(origin) else { return }  // other sites are never crawled
        let key = url.absoluteString
        guard !seen.contains(key) else { return }
        if depth > configuration.maxDepth { skip(url, .tooDeep(maxDepth: configuration.maxDepth)); return }
        if let reason = matchesFilters(key) { skip(url, reason); return }
        if depth > 0 || !configuration.startURLs.contains(url), let reason = trap(url, key: key) { skip(url, reason); return }
        if pagesEnqueued >= configuration.maxPages { skip(url, .pastMaxPages(maxPages: configuration.maxPages)); return }
        seen.insert(key)
        pagesEnqueued += 1
        let job = Crawler.Job(url: url, kind: .page, depth: depth)
        guard configuration.respectRobots else { enqueue(job); return }
        if let rules = robots[origin] {
            if rules.allows(job.url) { enqueue(job) } else { reject(job, rules: rules) }
        } else {
            if awaitingRobots[origin] == nil, let robotsURL = URL(string: origin + "/robots.txt") {
                enqueue(Crawler.Job(url: robotsURL, kind: .other, depth: nil, purpose: .robots))
            }
            awaitingRobots[origin, default: []].append(job)
            batch.parked.append(job.entry)
        }
    }

    private mutating func reject(_ job: Crawler.Job, rules: RobotsRules) {
        skip(job.url, rules.unusable.map(SkipReason.robotsUnusable) ?? .disallowedByRobots)
        pagesEnqueued -= 1
    }

    /// Enqueues a requisite; false when it was skipped or already seen.
    @discardableResult
    mutating func enqueueRequisite(_ url: URL, kind: AssetKind) -> Bool {
        if !configuration.fetchExternalRequisites, !startOrigins.contains(WebURL.origin(of: url)) {
            skip(url, .otherOrigin)
            return false
        }
        guard seen.insert(url.absoluteString) else { return false }
        enqueue(Crawler.Job(url: url, kind: kind, depth: nil))
        return true
    }

    /// A claimed job ended (its results, if any, are in the batch too).
    mutating func finished(_ job: Crawler.Job) {
        if job.id != 0 { batch.done.append(job.id) }
    }

    /// robots.txt of `origin` arrived (or failed): release the pages waiting for it.
    mutating func recordRobots(origin: String, rules: RobotsRules, record: RobotsRecord) {
        robots[origin] = rules
        batch.robots.append(record)
        for job in awaitingRobots.removeValue(forKey: origin) ?? [] { release(job, rules: rules) }
        if configuration.useSitemap, startOrigins.contains(origin) { requestSitemaps(origin: origin, listed: rules.sitemaps) }
    }

    /// A parked page admitted to the queue by its origin's robots.txt, or dropped.
    private mutating func release(_ job: Crawler.Job, rules: RobotsRules, counted: Bool = true) {
        let admitted = rules.allows(job.url)
        batch.released.append((job.entry.key, admitted))
        if admitted {
            storeQueued += 1
        } else if counted {
            reject(job, rules: rules)
        } else {
            skip(job.url, rules.unusable.map(SkipReason.robotsUnusable) ?? .disallowedByRobots)
        }
    }

    // MARK: Shared stores (several processes crawl one frontier)

    /// A shared store: robots.txt answers other processes recorded (this one's parked pages
    /// for them are released), and pages any process parked for an origin now known — also
    /// those of a process that died. Releasing a page twice is harmless: the store releases a
    /// parked row once.
    mutating func adopt(robots known: [String: RobotsRules], parked: [FrontierEntry]) {
        for (origin, rules) in known where robots[origin] == nil {
            robots[origin] = rules
            for job in awaitingRobots.removeValue(forKey: origin) ?? [] { release(job, rules: rules) }
        }
        for entry in parked {
            guard let job = Crawler.Job(entry), let rules = robots[WebURL.origin(of: job.url)] else { continue }
            release(job, rules: rules, counted: false)
        }
    }

    private mutating func requestSitemaps(origin: String, listed: [String]) {
        let urls = listed.isEmpty ? [origin + "/sitemap.xml"] : listed
        for string in urls {
            guard let url = URL(string: string) else { continue }
            enqueueSitemap(url)
        }
    }

    private mutating func enqueueSitemap(_ url: URL) {
        let job = Crawler.Job(url: url, kind: .other, depth: nil, purpose: .sitemap)
        guard sitemapsRequested < Self.maxSitemaps, seen.insert(job.entry.key) else { return }
        sitemapsRequested += 1
        enqueue(job)
    }

    /// A sitemap arrived: its pages are seeds (depth 0), an index's entries are further sitemaps.
    mutating func recordSitemap(_ sitemap: Sitemap, from url: URL) {
        for location in sitemap.locations {
            guard case .url(let target) = WebURL.resolve(location, against: url) else { continue }
            if sitemap.isIndex { enqueueSitemap(target) } else { enqueuePage(target, depth: 0) }
        }
    }

    /// Stores a finished job and enqueues what it references.
    mutating func record(_ outcome: Crawler.Outcome) {
        let resource = outcome.resource
        let url = resource.url
        batch.resources.append(resource)
        // The page this job's requisites count against: itself for a page, else the page that
        // led to it; a document with no known page (after --resume) starts a budget of its own.
        let documentHash = SeenSet.hash(url)
        let owner = outcome.job.depth == nil ? owners.removeValue(forKey: documentHash) ?? documentHash : documentHash
        var budget = budgets.removeValue(forKey: owner) ?? PageBudget(page: url)
        if owner != documentHash { budget.outstanding -= 1 }
        // Kept only while documents it led to are still to come.
        defer { if budget.outstanding > 0 { budgets[owner] = budget } }
        guard let references = outcome.references else { return }
        if let depth = outcome.job.depth, outcome.isHTML {
            batch.pages.append(PageResult(url: url, depth: depth, references: references, outline: outcome.outline))
            // By index, not `for ref in`: that copied every reference out (a retain per string field).
            for i in references.indices where references[i].role == .navigation && references[i].notFetchable == nil {
                // Most links point at pages already seen: check the string before building a URL.
                guard let string = references[i].url, !seen.contains(string), let target = URL(string: string) else { continue }
                enqueuePage(target, depth: depth + 1)
            }
        } else {
            batch.subresourceReferences.append((outcome.resource.exchange.url, references))
        }
        let limits = configuration.pageLimits
        let fromStylesheet = outcome.job.kind == .stylesheet
        for i in references.indices where references[i].isFetchableRequisite {
            let kind = references[i].kind
            guard let string = references[i].url, !seen.contains(string), let target = URL(string: string) else { continue }
            if budget.requisites >= limits.maxRequisites {
                skip(target, .tooManyRequisites(page: budget.page, limit: limits.maxRequisites))
                continue
            }
            let isImport = fromStylesheet && kind == .stylesheet
            if isImport, budget.imports >= limits.maxImports {
                skip(target, .tooManyImports(page: budget.page, limit: limits.maxImports))
                continue
            }
            guard enqueueRequisite(target, kind: kind) else { continue }
            budget.requisites += 1
            if isImport { budget.imports += 1 }
            if Self.mayHoldReferences(kind) {
                owners[SeenSet.hash(string)] = owner
                budget.outstanding += 1
            }
        }
    }

    /// Kinds whose body the crawler reads for references (see `Crawler.request(for:job:)`).
    static func mayHoldReferences(_ kind: AssetKind) -> Bool {
        switch kind {
        case .page, .frame, .stylesheet, .manifest, .other, .preload, .prefetch, .object: true
        default: false
        }
    }
}

/// What one page has spent of ``PageLimits``.
struct PageBudget {
    var page: String
    var requisites = 0
    var imports = 0
    /// Documents it led to that are still to be fetched.
    var outstanding = 0
}

extension Crawler.Job {
    /// nil for a stored URL that no longer parses (it did when it was enqueued).
    init?(_ entry: FrontierEntry) {
        guard let url = URL(string: entry.url) else { return nil }
        let purpose: Purpose = switch entry.purpose {
        case .asset: .asset
        case .robots: .robots
        case .sitemap: .sitemap
        }
        self.init(url: url, kind: entry.kind, depth: entry.depth, purpose: purpose, id: entry.id)
    }

    var entry: FrontierEntry {
        let stored: FrontierPurpose = switch purpose {
        case .asset: .asset
        case .robots: .robots
        case .sitemap: .sitemap
        }
        return FrontierEntry(id: id, url: url.absoluteString, kind: kind, depth: depth, purpose: stored)
    }
}
