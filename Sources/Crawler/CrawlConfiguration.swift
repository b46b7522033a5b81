public import Foundation
public import CrawlModel

/// What to crawl and how hard.
public struct CrawlConfiguration: Sendable {
    /// Where the crawl starts; their origins are the crawl's scope.
    public var startURLs: [URL]
    /// Stop enqueuing pages past this many (no limit by default: the crawl's memory is
    /// bounded by its store, and `--max-time` bounds its time).
    public var maxPages: Int = .max
    /// Navigation depth from a start URL (0 = the start pages only).
    public var maxDepth: Int = .max
    /// Stop (and report what was done) after this long.
    public var maxTime: Duration?
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
    /// Honour robots.txt for the pages crawled (requisites of allowed pages are fetched as a browser would).
    public var respectRobots: Bool = true
    /// Seed the frontier from each start origin's sitemap (robots.txt `Sitemap:` lines, else `/sitemap.xml`).
    public var useSitemap: Bool = false
    /// Only crawl pages whose URL matches one of these regular expressions (all pages when empty).
    public var include: [String] = []
    /// Never crawl pages whose URL matches one of these regular expressions.
    public var exclude: [String] = []

    /// Crawler-trap guards for pages (requisites are fetched whatever their URL).
    public var traps = TrapLimits()
    /// What one page may cost in requisites and `@import`s.
    public var pageLimits = PageLimits()

    public init(startURLs: [URL]) {
        self.startURLs = startURLs
    }

    /// Checks the regular expressions; throws a message that says which one is wrong.
    public func validate() throws {
        for pattern in include + exclude {
            do { _ = try NSRegularExpression(pattern: pattern) } catch {
                throw ConfigurationError(message: "not a valid regular expression: \(pattern)")
            }
        }
    }
}

/// The crawler-trap guards: pages past them are skipped with the reason.
public struct TrapLimits: Sendable {
    /// URLs longer than this many bytes.
    public var maxURLLength = 2048
    /// A path segment present this many times (`/a/b/a/b/a/`).
    public var maxSegmentRepeats = 3
    /// Distinct query strings on one path (calendars, faceted search).
    public var maxQueryVariants = 1000

    public init() {}
}

/// What one page may make the crawl fetch: requisites past these are skipped with the reason
/// (a page with 200,000 `<img>`, an endless `@import` chain). Requisites reached through the
/// page's stylesheets, frames and manifests count against the page that first named them.
public struct PageLimits: Sendable {
    /// Stylesheets fetched through `@import` for one page, chains included. Browsers set no
    /// limit; real pages import a handful.
    public var maxImports = 100
    /// Requisites fetched for one page. The HTTP Archive's heaviest pages fetch a few thousand.
    public var maxRequisites = 5000

    public init(maxImports: Int = 100, maxRequisites: Int = 5000) {
        self.maxImports = maxImports
        self.maxRequisites = maxRequisites
    }
}

/// A configuration that cannot work, with what to change.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// A snapshot of a running crawl, for a progress line.
public struct CrawlProgress: Sendable {
    public var pagesDone: Int
    public var queued: Int
    public var inFlight: Int
    public var requests: Int
    public var bytes: Int
    public var elapsed: Duration

    /// Requests per second since the start.
    public var rate: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(requests) / seconds : 0
    }
}
