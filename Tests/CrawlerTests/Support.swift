import AsyncHTTPClient
import Crawler
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import TestSupport

/// Serves `files` with `rules` on 127.0.0.1, port 0.
func serve<T>(_ files: [String: String], rules: [ServerPolicy.Rule] = ServerPolicy.default.rules,
              _ body: (URL) async throws -> T) async throws -> T {
    try await withTemporarySite(files) { root in
        try await FixtureServer.withFixtureServer(root: root, policy: ServerPolicy(rules: rules)) { base in
            try await body(base)
        }
    }
}

/// Crawls over real HTTP with the fetchers of `transport`, wrapped as `wrap` says.
func crawl(_ starts: [URL], transport: HTTPTransport = .lean, options: HTTPClientFetcher.Options = .init(),
           configure: (inout CrawlConfiguration) -> Void = { _ in },
           wrap: @escaping (any Fetcher) -> any Fetcher = { $0 }) async throws -> CrawlResult {
    var configuration = CrawlConfiguration(startURLs: starts)
    configuration.concurrency = 4
    configure(&configuration)
    let c = configuration
    return try await transport.withFetcher(client: HTTPClientFetcher.clientConfiguration(), options: options) { fetcher in
        await Crawler(fetcher: wrap(fetcher), configuration: c).run()
    }
}

extension URL {
    func appending(_ path: String) -> URL { URL(string: absoluteString + path)! }
}

extension CrawlResult {
    func resource(_ base: URL, _ path: String) -> FetchedResource? { resources[base.absoluteString + path] }
    /// Paths of the crawled pages relative to `base` (`/`, `/a.html`).
    func pagePaths(_ base: URL) -> Set<String> { Set(pages.map { "/" + $0.url.dropFirst(base.absoluteString.count) }) }
}

/// An HTML page that references each path as the given element.
func page(links: [String] = [], styles: [String] = [], images: [String] = [], scripts: [String] = []) -> String {
    var html = "<!doctype html><html><head>"
    for s in styles { html += "<link rel=\"stylesheet\" href=\"\(s)\">" }
    for s in scripts { html += "<script src=\"\(s)\"></script>" }
    html += "</head><body>"
    for i in images { html += "<img src=\"\(i)\" alt=\"\">" }
    for l in links { html += "<a href=\"\(l)\">\(l)</a>" }
    return html + "</body></html>"
}

/// A value shared with `@Sendable` callbacks in tests.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); defer { lock.unlock() }; stored = newValue }
    }
}
