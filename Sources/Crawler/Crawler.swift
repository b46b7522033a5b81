public import CrawlModel
public import Fetching
public import Foundation
internal import Extraction
public import Logging

/// Drives a `Fetcher` and the extractors into a `CrawlResult`.
///
/// All crawl state (frontier, seen URLs, robots rules, results) lives in the one task that
/// runs ``run()``; child tasks fetch, extract and revalidate one URL each and hand back a
/// value. Concurrency is bounded in one place: the number of child tasks in flight. Per-host
/// limits, delays and retries are `Fetcher` wrappers (``HostLimitingFetcher``, ``RetryingFetcher``).
///
/// The crawl stops early, with partial results and a `stopReason`, when `maxTime` passes or
/// the task running it is cancelled (SIGINT in the CLI).
///
/// ```swift
/// let result = await Crawler(fetcher: fetcher, configuration: .init(startURLs: [url])).run()
/// ```
public struct Crawler: Sendable {
    let fetcher: any Fetcher
    let configuration: CrawlConfiguration
    let logger: Logger
    let startOrigins: Set<String>
    let commonHeaders: [HeaderField]
    let startOriginHeaders: [HeaderField]

    public init(fetcher: any Fetcher, configuration: CrawlConfiguration, logger: Logger = Logger(label: "assetcrawl.crawler", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.fetcher = fetcher
        self.configuration = configuration
        self.logger = logger
        startOrigins = Set(configuration.startURLs.map(WebURL.origin))
        commonHeaders = [
            HeaderField(name: "User-Agent", value: configuration.userAgent),
            HeaderField(name: "Accept-Encoding", value: ContentDecoding.acceptEncoding),
        ]
        startOriginHeaders = commonHeaders + configuration.headers
    }

    /// One URL to fetch.
    struct Job: Sendable {
        enum Purpose: Sendable { case asset, robots, sitemap }
        var url: URL
        var kind: AssetKind
        /// Navigation depth for pages; nil for requisites.
        var depth: Int?
        var purpose: Purpose = .asset
    }

    /// What a finished job hands back to the crawl loop.
    struct Outcome: Sendable {
        var job: Job
        var resource: FetchedResource
        /// References found in the body (HTML, CSS, manifest), if it was a document.
        var references: [Reference]?
        /// The element tree of an HTML page, for the browser model.
        var outline: DocumentOutline? = nil
        var isHTML: Bool
        /// The body of a robots.txt or sitemap job.
        var body: [UInt8]?
    }

    enum Event: Sendable {
        case finished(Outcome)
        case deadline
        case timerCancelled
    }

    /// Crawls until the frontier is empty, a limit is reached, or the task is cancelled.
    ///
    /// - Parameter progress: called from the crawl loop after fetches, at most every `progressInterval`.
    public func run(progressInterval: Duration = .milliseconds(250),
                    progress: (@Sendable (CrawlProgress) -> Void)? = nil) async -> CrawlResult {
        let clock = ContinuousClock()
        let started = clock.now
        var state = CrawlState(configuration: configuration)
        state.seed()
        let limit = max(1, configuration.concurrency)
        var requests = 0, bytes = 0, pagesDone = 0
        var lastProgress = started

        await withTaskGroup(of: Event.self) { group in
            var running = 0
            var timer = false
            if let maxTime = configuration.maxTime {
                timer = true
                group.addTask {
                    do { try await Task.sleep(until: started + maxTime, clock: .continuous) } catch { return .timerCancelled }
                    return .deadline
                }
            }
            var stop: String?
            while stop == nil {
                if Task.isCancelled { stop = "interrupted"; break }
                while running < limit, let job = state.nextJob() {
                    running += 1
                    group.addTask { .finished(await self.perform(job)) }
                }
                guard running > 0 else { break }
                guard let event = await group.next() else { break }
                if Task.isCancelled { stop = "interrupted"; break }
                switch event {
                case .deadline:
                    stop = "--max-time reached"
                case .timerCancelled:
                    timer = false
                case .finished(let outcome):
                    running -= 1
                    requests += outcome.requestCount
                    bytes += outcome.wireBytes
                    record(outcome, in: &state)
                    if outcome.job.depth != nil { pagesDone += 1 }
                }
                if let progress, clock.now - lastProgress >= progressInterval {
                    lastProgress = clock.now
                    progress(CrawlProgress(pagesDone: pagesDone, queued: state.queued, inFlight: running, requests: requests,
                                           bytes: bytes, elapsed: clock.now - started))
                }
            }
            if stop == nil, Task.isCancelled { stop = "interrupted" }
            if let stop {
                let pending = state.queued + running
                state.result.stopReason = pending > 0 ? "\(stop); \(pending) URLs not fetched" : stop
            }
            // Ends the timer and anything still in flight; their outcomes are not recorded.
            if timer || running > 0 { group.cancelAll() }
        }
        progress?(CrawlProgress(pagesDone: pagesDone, queued: state.queued, inFlight: 0, requests: requests, bytes: bytes,
                                elapsed: clock.now - started))
        return state.result
    }

    func record(_ outcome: Outcome, in state: inout CrawlState) {
        switch outcome.job.purpose {
        case .asset:
            state.record(outcome)
            logger.debug("fetched", metadata: [
                "url": "\(outcome.job.url)", "status": "\(outcome.resource.exchange.status.map(String.init) ?? "error")",
            ])
        case .robots:
            let origin = WebURL.origin(of: outcome.job.url)
            let rules = robotsRules(from: outcome)
            logger.info("robots.txt", metadata: ["origin": "\(origin)", "rules": "\(rules.rules.count)"])
            state.recordRobots(origin: origin, rules: rules)
        case .sitemap:
            let exchange = outcome.resource.exchange
            guard exchange.status == 200, exchange.error == nil, let body = outcome.body else {
                logger.warning("sitemap not usable", metadata: ["url": "\(outcome.job.url)", "status": "\(exchange.status.map(String.init) ?? exchange.error?.description ?? "?")"])
                return
            }
            state.recordSitemap(Sitemap(parsing: body), from: URL(string: exchange.url) ?? outcome.job.url)
        }
    }

    /// RFC 9309 §2.3.1: 2xx parse; 4xx allow everything; 5xx or unreachable disallow everything
    /// (unreachable still lets the start URLs through, so their failure is recorded).
    func robotsRules(from outcome: Outcome) -> RobotsRules {
        let exchange = outcome.resource.exchange
        guard let status = exchange.status else { return .unreachable }
        guard exchange.error == nil else { return .disallowAll }
        switch status {
        case 200..<300: return RobotsRules(parsing: String(decoding: outcome.body ?? [], as: UTF8.self), userAgent: configuration.userAgent)
        case 400..<500: return .allowAll
        default: return .disallowAll
        }
    }

    /// Fetches one URL (following redirects), extracts its references, and probes it.
    func perform(_ job: Job) async -> Outcome {
        let hopLimit = job.purpose == .asset ? configuration.maxRedirects : min(5, configuration.maxRedirects)
        var redirects: [Exchange] = []
        var url = job.url
        var response: FetchResponse
        while true {
            response = await fetcher.fetch(request(for: url, job: job))
            guard response.exchange.isRedirect, let location = response.exchange.location else { break }
            guard case .url(let next) = WebURL.resolve(location, against: url) else {
                response.exchange.error = FetchError(.invalidURL, "redirect to an unusable Location: \(location)")
                break
            }
            // A loop: a hop back to a URL this chain already fetched (no set built per request).
            let target = next.absoluteString
            if target == url.absoluteString || redirects.contains(where: { $0.url == target }) {
                response.exchange.error = FetchError(.redirectLoop, "redirect loop back to \(next.absoluteString)")
                break
            }
            if redirects.count >= hopLimit {
                response.exchange.error = FetchError(.tooManyRedirects, "more than \(hopLimit) redirects")
                break
            }
            redirects.append(response.exchange)
            url = next
        }
        var resource = FetchedResource(url: job.url.absoluteString, kind: job.kind, redirects: redirects,
                                       exchange: response.exchange, bodyDigest: response.digest)
        guard job.purpose == .asset else {
            return Outcome(job: job, resource: resource, references: nil, isHTML: false, body: response.body)
        }
        var references: [Reference]? = nil
        var outline: DocumentOutline? = nil
        var isHTML = false
        if let body = response.body, resource.exchange.error == nil {
            let type = Extractor.documentType(contentType: response.exchange.contentType, url: url)
            isHTML = type == .html
            let document = Extractor.document(in: body, contentType: response.exchange.contentType, url: url,
                                              isPage: job.kind == .page)
            references = document.references
            outline = document.outline
        }
        if configuration.revalidate, resource.exchange.status == 200, resource.exchange.error == nil, !Task.isCancelled {
            resource.revalidation = await RevalidationProbe(fetcher: fetcher, headers: baseHeaders(for: url))
                .probe(url: url, original: response)
        }
        return Outcome(job: job, resource: resource, references: references, outline: outline, isHTML: isHTML)
    }

    func request(for url: URL, job: Job) -> FetchRequest {
        let wantsBody: @Sendable (String?) -> Bool
        switch (job.purpose, job.kind) {
        case (.robots, _), (.sitemap, _):
            wantsBody = { _ in true }
        case (.asset, .page), (.asset, .frame), (.asset, .stylesheet), (.asset, .manifest), (.asset, .other),
             (.asset, .preload), (.asset, .prefetch):
            wantsBody = { contentType in
                !Self.isNeverADocument(contentType) && Extractor.documentType(contentType: contentType, url: url) != .other
            }
        default:
            wantsBody = { _ in false }
        }
        return FetchRequest(url: url, headers: baseHeaders(for: url), digest: configuration.revalidate, keepBody: wantsBody)
    }

    /// Media types that are never a document to extract from (images, fonts, media, scripts),
    /// told from the first bytes of `Content-Type` without parsing it: most responses of a
    /// crawl are these, and the answer is needed for every one.
    static func isNeverADocument(_ contentType: String?) -> Bool {
        guard let utf8 = contentType?.utf8 else { return false }
        for prefix in ["image/", "font/", "video/", "audio/", "application/javascript", "text/javascript"]
        where utf8.count >= prefix.utf8.count && utf8.prefix(prefix.utf8.count).elementsEqual(prefix.utf8) {
            return true
        }
        return false
    }

    /// User-Agent and Accept-Encoding for everyone; the configured extra headers only on start origins.
    func baseHeaders(for url: URL) -> [HeaderField] {
        configuration.headers.isEmpty || !startOrigins.contains(WebURL.origin(of: url)) ? commonHeaders : startOriginHeaders
    }
}

extension Crawler.Outcome {
    /// Requests made for this outcome: redirect hops, the final request, and the probes.
    var requestCount: Int {
        resource.redirects.count + 1 + (resource.revalidation?.ifNoneMatch == nil ? 0 : 1)
            + (resource.revalidation?.ifModifiedSince == nil ? 0 : 1)
    }

    var wireBytes: Int {
        resource.wireBytes + (resource.revalidation?.ifNoneMatch?.exchange.wireBytes ?? 0)
            + (resource.revalidation?.ifModifiedSince?.exchange.wireBytes ?? 0)
    }
}
