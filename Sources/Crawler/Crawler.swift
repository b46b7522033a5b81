public import CrawlModel
public import Fetching
public import Foundation
internal import Extraction
public import CrawlStore
public import Logging

/// Drives a `Fetcher` and the extractors into a `CrawlStore` (or a `CrawlResult`).
///
/// The crawl's state (frontier window, seen URLs, robots rules) lives in the one task that
/// runs ``run(store:resume:arguments:progressInterval:progress:)``, the rest in the store;
/// child tasks fetch, extract and revalidate one URL each and hand back a value. Concurrency is bounded in one place: the number of child tasks in flight. Per-host
/// limits, delays and retries are `Fetcher` wrappers (``HostLimitingFetcher``, ``RetryingFetcher``).
///
/// The crawl stops early, with partial results and a `stopReason`, when `maxTime` passes or
/// the task running it is cancelled (SIGINT in the CLI).
///
/// ```swift
/// let result = await Crawler(fetcher: fetcher, configuration: .init(startURLs: [url])).run()
/// ```
public struct Crawler: Sendable {
    /// Everything the crawler holds, in one object: each job's task captures the crawler, and
    /// copying one reference is cheaper than retaining a dozen fields for every request.
    final class Parts: Sendable {
        let fetcher: any Fetcher
        let configuration: CrawlConfiguration
        let logger: Logger
        let startOrigins: Set<String>
        let commonHeaders: [HeaderField]
        let startOriginHeaders: [HeaderField]
        let redaction: Redaction

        init(fetcher: any Fetcher, configuration: CrawlConfiguration, logger: Logger) {
            self.fetcher = fetcher
            self.configuration = configuration
            self.logger = logger
            startOrigins = Set(configuration.startURLs.map(WebURL.origin))
            commonHeaders = [
                HeaderField(name: "User-Agent", value: configuration.userAgent),
                HeaderField(name: "Accept-Encoding", value: ContentDecoding.acceptEncoding),
            ]
            startOriginHeaders = commonHeaders + configuration.headers
            redaction = Redaction(extraNames: configuration.headers.map(\.name))
        }
    }

    let parts: Parts
    var fetcher: any Fetcher { parts.fetcher }
    var configuration: CrawlConfiguration { parts.configuration }
    var logger: Logger { parts.logger }
    var startOrigins: Set<String> { parts.startOrigins }
    var commonHeaders: [HeaderField] { parts.commonHeaders }
    var startOriginHeaders: [HeaderField] { parts.startOriginHeaders }
    /// Secrets (credentials, cookies, every configured header) replaced before anything is recorded.
    var redaction: Redaction { parts.redaction }

    public init(fetcher: any Fetcher, configuration: CrawlConfiguration, logger: Logger = Logger(label: "assetcrawl.crawler", factory: { _ in SwiftLogNoOpLogHandler() })) {
        parts = Parts(fetcher: fetcher, configuration: configuration, logger: logger)
    }

    /// One URL to fetch.
    struct Job: Sendable {
        enum Purpose: Sendable { case asset, robots, sitemap }
        var url: URL
        var kind: AssetKind
        /// Navigation depth for pages; nil for requisites.
        var depth: Int?
        var purpose: Purpose = .asset
        /// The store's frontier row; 0 before it is stored.
        var id: Int64 = 0
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

    /// - Parameter deadline: when `--max-time` runs out; a sitemap's scan stops there too.
    func record(_ outcome: Outcome, in state: inout CrawlState, deadline: ContinuousClock.Instant? = nil) {
        state.finished(outcome.job)
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
            state.recordRobots(origin: origin, rules: rules,
                               record: RobotsRecord(origin: origin, resource: outcome.resource, body: outcome.body ?? []))
        case .sitemap:
            let exchange = outcome.resource.exchange
            // A sitemap past 50 MB is read as far as that (sitemaps.org's limit), not dropped.
            guard exchange.status == 200, exchange.error == nil || exchange.error?.code == .bodyTooLarge, let body = outcome.body else {
                logger.warning("sitemap not usable", metadata: ["url": "\(outcome.job.url)", "status": "\(exchange.status.map(String.init) ?? exchange.error?.description ?? "?")"])
                return
            }
            let sitemap = Sitemap(parsing: body, deadline: deadline)
            if sitemap.truncated {
                logger.warning("sitemap cut", metadata: ["url": "\(outcome.job.url)", "read": "\(sitemap.locations.count) URLs",
                                                        "limit": "\(Sitemap.maxLocations) URLs, \(Sitemap.maxBytes) bytes, or --max-time"])
            }
            state.recordSitemap(sitemap, from: URL(string: exchange.url) ?? outcome.job.url)
        }
    }

    /// robots.txt's rules from its fetch: see ``RobotsRules/from(_:body:userAgent:)``.
    func robotsRules(from outcome: Outcome) -> RobotsRules {
        RobotsRules.from(outcome.resource.exchange, body: outcome.body, userAgent: configuration.userAgent)
    }

    /// Fetches one URL (following redirects), extracts its references, and probes it.
    func perform(_ job: Job) async -> Outcome {
        let hopLimit = job.purpose == .asset ? configuration.maxRedirects : min(5, configuration.maxRedirects)
        var redirects: [Exchange] = []
        var url = job.url
        var response: FetchResponse
        // A URL reached a second time is fetched once more (every hop followed is recorded,
        // and the final URL is where the loop came back to); it is a loop if it redirects again.
        var revisited = false
        while true {
            response = await fetcher.fetch(request(for: url, job: job))
            guard response.exchange.isRedirect, let field = response.exchange.responseHeaders.field("Location") else { break }
            // Bytes that are not UTF-8 are percent-encoded as they came, not as U+FFFD.
            let location = field.rawValue.map { WebURL.percentEncodeInvalid(bytes: $0) } ?? field.value
            if field.rawValue == nil, location.unicodeScalars.contains("\u{FFFD}") {
                response.exchange.error = FetchError(.invalidURL, "redirect Location has bytes that are not UTF-8, and this transport did not keep them: not followed")
                break
            }
            guard case .url(let next) = WebURL.resolve(location, against: url) else {
                response.exchange.error = FetchError(.invalidURL, "redirect to an unusable Location: \(location)")
                break
            }
            if revisited {
                response.exchange.error = FetchError(.redirectLoop, "redirect loop back to \(url.absoluteString)")
                break
            }
            if redirects.count >= hopLimit {
                response.exchange.error = FetchError(.tooManyRedirects, "more than \(hopLimit) redirects")
                break
            }
            redirects.append(response.exchange)
            // A hop back to a URL this chain already fetched (the start or a recorded hop; no
            // set built per request).
            let target = next.absoluteString
            revisited = target == job.url.absoluteString || redirects.contains { $0.url == target }
            url = next
        }
        var resource = FetchedResource(url: job.url.absoluteString, kind: job.kind, redirects: redirects,
                                       exchange: response.exchange, bodyDigest: response.digest)
        guard job.purpose == .asset else {
            redaction.redact(&resource)
            return Outcome(job: job, resource: resource, references: nil, isHTML: false, body: response.body)
        }
        var references: [Reference]? = nil
        var outline: DocumentOutline? = nil
        var isHTML = false
        if let body = response.body, resource.exchange.error == nil {
            let document = Extractor.document(in: body, contentType: response.exchange.contentType, url: url,
                                              isPage: job.kind == .page)
            isHTML = document.type == .html
            references = document.references
            outline = document.outline
        }
        if configuration.revalidate, resource.exchange.status == 200, resource.exchange.error == nil, !Task.isCancelled {
            resource.revalidation = await RevalidationProbe(fetcher: fetcher, headers: baseHeaders(for: url))
                .probe(url: url, original: response)
        }
        redaction.redact(&resource)
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
        return FetchRequest(url: url, headers: baseHeaders(for: url), digest: configuration.revalidate,
                            maxBodyBytes: job.purpose == .robots ? RobotsRules.maxBytes : job.purpose == .sitemap ? Sitemap.maxBytes : nil,
                            keepBody: wantsBody)
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
