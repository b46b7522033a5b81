internal import CrawlModel
internal import Foundation

/// The crawl's frontier and results: a plain value owned by the crawl loop, so it needs no lock.
struct CrawlState {
    let configuration: CrawlConfiguration
    let startOrigins: Set<String>
    private var queue: [Crawler.Job] = []
    private var head = 0
    private var seen: Set<String> = []
    private var pagesEnqueued = 0
    var result: CrawlResult

    init(configuration: CrawlConfiguration) {
        self.configuration = configuration
        startOrigins = Set(configuration.startURLs.map(WebURL.origin))
        result = CrawlResult(startURLs: configuration.startURLs.map(\.absoluteString))
    }

    mutating func nextJob() -> Crawler.Job? {
        guard head < queue.count else { return nil }
        defer {
            head += 1
            if head > 1024, head * 2 > queue.count { queue.removeFirst(head); head = 0 }
        }
        return queue[head]
    }

    mutating func enqueuePage(_ url: URL, depth: Int) {
        guard depth <= configuration.maxDepth, pagesEnqueued < configuration.maxPages,
              startOrigins.contains(WebURL.origin(of: url)) else { return }
        guard seen.insert(url.absoluteString).inserted else { return }
        pagesEnqueued += 1
        queue.append(Crawler.Job(url: url, kind: .page, depth: depth))
    }

    mutating func enqueueRequisite(_ url: URL, kind: AssetKind) {
        if !configuration.fetchExternalRequisites, !startOrigins.contains(WebURL.origin(of: url)) { return }
        guard seen.insert(url.absoluteString).inserted else { return }
        queue.append(Crawler.Job(url: url, kind: kind, depth: nil))
    }

    /// Stores a finished job and enqueues what it references.
    mutating func record(_ outcome: Crawler.Outcome) {
        let url = outcome.job.url.absoluteString
        result.resources[url] = outcome.resource
        guard let references = outcome.references else { return }
        if let depth = outcome.job.depth, outcome.isHTML {
            result.pages.append(PageResult(url: url, depth: depth, references: references))
            for ref in references where ref.role == .navigation && ref.notFetchable == nil {
                if let target = ref.url.flatMap(URL.init(string:)) { enqueuePage(target, depth: depth + 1) }
            }
        } else {
            result.subresourceReferences[outcome.resource.exchange.url] = references
        }
        for ref in references where ref.isFetchableRequisite {
            if let target = ref.url.flatMap(URL.init(string:)) { enqueueRequisite(target, kind: ref.kind) }
        }
    }
}
