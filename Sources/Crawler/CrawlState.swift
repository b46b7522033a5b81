internal import CrawlModel
internal import Foundation

/// The crawl's frontier, scope and results: a plain value owned by the crawl loop, so it
/// needs no lock. Pure: it decides what to fetch next, the loop does the fetching.
struct CrawlState {
    let configuration: CrawlConfiguration
    let startOrigins: Set<String>
    private let include: [NSRegularExpression]
    private let exclude: [NSRegularExpression]
    /// Work that gates other work (robots.txt, sitemaps) goes before the main queue.
    private var urgent: [Crawler.Job] = []
    private var queue: [Crawler.Job] = []
    private var head = 0
    private var seen: Set<String> = []
    private var pagesEnqueued = 0
    /// robots.txt rules by origin, once known.
    private(set) var robots: [String: RobotsRules] = [:]
    /// Pages waiting for their origin's robots.txt.
    private var awaitingRobots: [String: [Crawler.Job]] = [:]
    private var sitemapsRequested = 0
    static let maxSitemaps = 50
    var result: CrawlResult

    init(configuration: CrawlConfiguration) {
        self.configuration = configuration
        startOrigins = Set(configuration.startURLs.map(WebURL.origin))
        include = configuration.include.compactMap { try? NSRegularExpression(pattern: $0) }
        exclude = configuration.exclude.compactMap { try? NSRegularExpression(pattern: $0) }
        result = CrawlResult(startURLs: configuration.startURLs.map(\.absoluteString))
    }

    /// URLs waiting to be fetched (parked ones included).
    var queued: Int { queue.count - head + urgent.count + awaitingRobots.values.reduce(0) { $0 + $1.count } }

    mutating func nextJob() -> Crawler.Job? {
        if !urgent.isEmpty { return urgent.removeFirst() }
        guard head < queue.count else { return nil }
        defer {
            head += 1
            if head > 1024, head * 2 > queue.count { queue.removeFirst(head); head = 0 }
        }
        return queue[head]
    }

    /// Seeds: the start URLs, and with `useSitemap` each start origin's sitemap.
    mutating func seed() {
        for url in configuration.startURLs { enqueuePage(url, depth: 0) }
        if configuration.useSitemap, !configuration.respectRobots {
            for origin in startOrigins.sorted() { requestSitemaps(origin: origin, listed: []) }
        }
    }

    /// Marks a URL skipped, keeping the first reason.
    private mutating func skip(_ url: URL, _ reason: String) {
        if result.skipped == nil { result.skipped = [:] }
        if result.skipped?[url.absoluteString] == nil { result.skipped?[url.absoluteString] = reason }
    }

    func matchesFilters(_ url: String) -> String? {
        let range = NSRange(url.startIndex..., in: url)
        if !include.isEmpty, !include.contains(where: { $0.firstMatch(in: url, range: range) != nil }) { return "not matched by --include" }
        if exclude.contains(where: { $0.firstMatch(in: url, range: range) != nil }) { return "matched by --exclude" }
        return nil
    }

    mutating func enqueuePage(_ url: URL, depth: Int) {
        let origin = WebURL.origin(of: url)
        guard startOrigins.contains(origin) else { return }  // other sites are never crawled
        let key = url.absoluteString
        guard !seen.contains(key) else { return }
        if depth > configuration.maxDepth { skip(url, "deeper than --max-depth \(configuration.maxDepth)"); return }
        if let reason = matchesFilters(key) { skip(url, reason); return }
        if pagesEnqueued >= configuration.maxPages { skip(url, "past --max-pages \(configuration.maxPages)"); return }
        seen.insert(key)
        pagesEnqueued += 1
        let job = Crawler.Job(url: url, kind: .page, depth: depth)
        guard configuration.respectRobots else { queue.append(job); return }
        if let rules = robots[origin] {
            admit(job, rules: rules)
        } else {
            if awaitingRobots[origin] == nil, let robotsURL = URL(string: origin + "/robots.txt") {
                urgent.append(Crawler.Job(url: robotsURL, kind: .other, depth: nil, purpose: .robots))
            }
            awaitingRobots[origin, default: []].append(job)
        }
    }

    private mutating func admit(_ job: Crawler.Job, rules: RobotsRules) {
        if rules.allows(job.url) || (rules.unreachable && configuration.startURLs.contains(job.url)) {
            queue.append(job)
        } else {
            skip(job.url, "disallowed by robots.txt")
            pagesEnqueued -= 1
        }
    }

    mutating func enqueueRequisite(_ url: URL, kind: AssetKind) {
        if !configuration.fetchExternalRequisites, !startOrigins.contains(WebURL.origin(of: url)) {
            skip(url, "on another origin (--no-external)")
            return
        }
        guard seen.insert(url.absoluteString).inserted else { return }
        queue.append(Crawler.Job(url: url, kind: kind, depth: nil))
    }

    /// robots.txt of `origin` arrived (or failed): release the pages waiting for it.
    mutating func recordRobots(origin: String, rules: RobotsRules) {
        robots[origin] = rules
        for job in awaitingRobots.removeValue(forKey: origin) ?? [] { admit(job, rules: rules) }
        if configuration.useSitemap, startOrigins.contains(origin) { requestSitemaps(origin: origin, listed: rules.sitemaps) }
    }

    private mutating func requestSitemaps(origin: String, listed: [String]) {
        let urls = listed.isEmpty ? [origin + "/sitemap.xml"] : listed
        for string in urls {
            guard let url = URL(string: string) else { continue }
            enqueueSitemap(url)
        }
    }

    private mutating func enqueueSitemap(_ url: URL) {
        guard sitemapsRequested < Self.maxSitemaps, seen.insert("sitemap " + url.absoluteString).inserted else { return }
        sitemapsRequested += 1
        urgent.append(Crawler.Job(url: url, kind: .other, depth: nil, purpose: .sitemap))
    }

    /// A sitemap arrived: its pages are seeds (depth 0), an index's entries are further sitemaps.
    mutating func recordSitemap(_ sitemap: Sitemap, from url: URL) {
        for location in sitemap.locations {
            guard case .url(let target) = WebURL.resolve(location, against: url) else { continue }
            if sitemap.isIndex { enqueueSitemap(target) } else { enqueuePage(target, depth: 0) }
        }
    }

    /// Long header values seen so far (Date, Last-Modified, Content-Type, Cache-Control…):
    /// stored once and shared by every exchange that carries them.
    private var internedValues: Set<String> = []
    /// If-Modified-Since probe request headers seen so far, shared the same way.
    private var internedRequestHeaders: Set<[HeaderField]> = []

    private mutating func intern(_ exchange: inout Exchange, url: String) {
        if exchange.url == url { exchange.url = url }
        for i in exchange.responseHeaders.indices {
            let value = exchange.responseHeaders[i].value
            // Short strings are stored inline; ETags are unique per resource.
            guard value.utf8.count > 15, !HeaderField.namesEqual(exchange.responseHeaders[i].name, "ETag") else { continue }
            exchange.responseHeaders[i].value = internedValues.insert(value).memberAfterInsert
        }
    }

    /// Shares repeated strings among the exchanges of a resource and across resources: with
    /// three exchanges per URL, header values were a large part of the crawl's memory.
    private mutating func compact(_ resource: inout FetchedResource) {
        let url = resource.url
        intern(&resource.exchange, url: url)
        for i in resource.redirects.indices { intern(&resource.redirects[i], url: resource.redirects[i].url) }
        if var revalidation = resource.revalidation {
            let finalURL = resource.exchange.url
            if revalidation.ifNoneMatch != nil { intern(&revalidation.ifNoneMatch!.exchange, url: finalURL) }
            if revalidation.ifModifiedSince != nil {
                intern(&revalidation.ifModifiedSince!.exchange, url: finalURL)
                // The If-Modified-Since request differs only by Last-Modified, which many
                // resources share (files written in the same second): one array for all of them.
                let headers = revalidation.ifModifiedSince!.exchange.requestHeaders
                revalidation.ifModifiedSince!.exchange.requestHeaders = internedRequestHeaders.insert(headers).memberAfterInsert
            }
            resource.revalidation = revalidation
        }
    }

    /// Stores a finished job and enqueues what it references.
    mutating func record(_ outcome: Crawler.Outcome) {
        var resource = outcome.resource
        compact(&resource)
        let url = resource.url
        result.resources[url] = resource
        guard let references = outcome.references else { return }
        if let depth = outcome.job.depth, outcome.isHTML {
            result.pages.append(PageResult(url: url, depth: depth, references: references, outline: outcome.outline))
            for ref in references where ref.role == .navigation && ref.notFetchable == nil {
                // Most links point at pages already seen: check the string before building a URL.
                guard let string = ref.url, !seen.contains(string), let target = URL(string: string) else { continue }
                enqueuePage(target, depth: depth + 1)
            }
        } else {
            result.subresourceReferences[outcome.resource.exchange.url] = references
        }
        for ref in references where ref.isFetchableRequisite {
            guard let string = ref.url, !seen.contains(string), let target = URL(string: string) else { continue }
            enqueueRequisite(target, kind: ref.kind)
        }
    }
}
