public import CrawlModel
public import Fetching
public import Foundation
internal import Extraction
public import Logging

/// Drives a `Fetcher` and the extractors into a `CrawlResult`.
///
/// All crawl state (frontier, seen URLs, results) lives in the one task that runs
/// ``run()``; child tasks fetch, extract and revalidate one URL each and hand back a value.
/// Concurrency is bounded in one place: the number of child tasks in flight.
///
/// ```swift
/// let result = await Crawler(fetcher: fetcher, configuration: .init(startURLs: [url])).run()
/// ```
public struct Crawler: Sendable {
    let fetcher: any Fetcher
    let configuration: CrawlConfiguration
    let logger: Logger

    public init(fetcher: any Fetcher, configuration: CrawlConfiguration, logger: Logger = Logger(label: "assetcrawl.crawler", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.fetcher = fetcher
        self.configuration = configuration
        self.logger = logger
    }

    /// One URL to fetch.
    struct Job: Sendable {
        var url: URL
        var kind: AssetKind
        /// Navigation depth for pages; nil for requisites.
        var depth: Int?
    }

    /// What a finished job hands back to the crawl loop.
    struct Outcome: Sendable {
        var job: Job
        var resource: FetchedResource
        /// References found in the body (HTML, CSS, manifest), if it was a document.
        var references: [Reference]?
        var isHTML: Bool
    }

    /// Crawls until the frontier is empty or a limit is reached.
    public func run() async -> CrawlResult {
        var state = CrawlState(configuration: configuration)
        for url in configuration.startURLs { state.enqueuePage(url, depth: 0) }
        let limit = max(1, configuration.concurrency)

        await withTaskGroup(of: Outcome.self) { group in
            var running = 0
            while true {
                while running < limit, let job = state.nextJob() {
                    running += 1
                    group.addTask { await self.perform(job) }
                }
                guard running > 0, let outcome = await group.next() else { break }
                running -= 1
                state.record(outcome)
                logger.debug("fetched", metadata: ["url": "\(outcome.job.url)", "status": "\(outcome.resource.exchange.status.map(String.init) ?? "error")"])
            }
        }
        return state.result
    }

    /// Fetches one URL (following redirects), extracts its references, and probes it.
    func perform(_ job: Job) async -> Outcome {
        let hopLimit = configuration.maxRedirects
        var redirects: [Exchange] = []
        var visited: Set<String> = [job.url.absoluteString]
        var url = job.url
        var response: FetchResponse
        while true {
            response = await fetcher.fetch(request(for: url, kind: job.kind))
            guard response.exchange.isRedirect, let location = response.exchange.location else { break }
            guard case .url(let next) = WebURL.resolve(location, against: url) else {
                response.exchange.error = FetchError(.invalidURL, "redirect to an unusable Location: \(location)")
                break
            }
            if !visited.insert(next.absoluteString).inserted {
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
        var references: [Reference]? = nil
        var isHTML = false
        if let body = response.body, resource.exchange.error == nil {
            let type = Extractor.documentType(contentType: response.exchange.contentType, url: url)
            isHTML = type == .html
            references = Extractor.references(in: body, contentType: response.exchange.contentType, url: url)
        }
        if configuration.revalidate, resource.exchange.status == 200, resource.exchange.error == nil {
            resource.revalidation = await RevalidationProbe(fetcher: fetcher, headers: baseHeaders(for: url))
                .probe(url: url, original: response)
        }
        return Outcome(job: job, resource: resource, references: references, isHTML: isHTML)
    }

    func request(for url: URL, kind: AssetKind) -> FetchRequest {
        let wantsBody: @Sendable (String?) -> Bool
        switch kind {
        case .page, .frame, .stylesheet, .manifest, .other, .preload, .prefetch:
            wantsBody = { contentType in Extractor.documentType(contentType: contentType, url: url) != .other }
        default:
            wantsBody = { _ in false }
        }
        return FetchRequest(url: url, headers: baseHeaders(for: url), keepBody: wantsBody)
    }

    /// User-Agent and Accept-Encoding for everyone; the configured extra headers only on start origins.
    func baseHeaders(for url: URL) -> [HeaderField] {
        var headers = [
            HeaderField(name: "User-Agent", value: configuration.userAgent),
            HeaderField(name: "Accept-Encoding", value: ContentDecoding.acceptEncoding),
        ]
        let origins = Set(configuration.startURLs.map(WebURL.origin))
        if origins.contains(WebURL.origin(of: url)) { headers += configuration.headers }
        return headers
    }
}
