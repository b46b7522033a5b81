public import Foundation
public import CrawlModel

/// What to crawl and how hard.
public struct CrawlConfiguration: Sendable {
    public var startURLs: [URL]
    /// Stop enqueuing pages past this many.
    public var maxPages: Int = 1000
    /// Navigation depth from a start URL (0 = the start pages only).
    public var maxDepth: Int = .max
    /// Requests in flight at once, across all hosts.
    public var concurrency: Int = 16
    /// Send the If-None-Match and If-Modified-Since probes for every fetched URL.
    public var revalidate: Bool = true
    /// Fetch requisites on other origins (CDNs, font hosts); they are never crawled.
    public var fetchExternalRequisites: Bool = true
    public var maxRedirects: Int = 10
    public var userAgent: String = "assetcrawl/0.1"
    /// Extra request headers, sent only to the start origins.
    public var headers: [HeaderField] = []

    public init(startURLs: [URL]) {
        self.startURLs = startURLs
    }
}
