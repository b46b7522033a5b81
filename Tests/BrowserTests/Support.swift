import AsyncHTTPClient
import Browser
import Crawler
import CrawlModel
import Fetching
import FixtureServer
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
import TestSupport

/// Every response a FixtureServer wrote, in order, for comparing with Chromium's counts.
final class ServedLog: Sendable {
    private let entries = NIOLockedValueBox<[ServedResponse]>([])
    func record(_ response: ServedResponse) { entries.withLockedValue { $0.append(response) } }
    var all: [ServedResponse] { entries.withLockedValue { $0 } }
    var count: Int { entries.withLockedValue { $0.count } }
    func since(_ start: Int) -> [ServedResponse] { entries.withLockedValue { Array($0[start...]) } }
}

/// Serves `root` with its `.assetcrawl.json` policy (like `crawl --serve`) and logs every response.
func serveLogged<T>(_ root: URL, policy: ServerPolicy = .default,
                    _ body: (URL, ServedLog) async throws -> T) async throws -> T {
    let log = ServedLog()
    var configuration = FixtureServer.Configuration(root: root)
    configuration.policy = policy
    configuration.onResponse = { log.record($0) }
    return try await FixtureServer.withFixtureServer(configuration) { base in try await body(base, log) }
}

/// The static crawl of `start`, over real HTTP.
func staticCrawl(_ start: URL, configure: (inout CrawlConfiguration) -> Void = { _ in }) async throws -> CrawlResult {
    var configuration = CrawlConfiguration(startURLs: [start])
    configuration.concurrency = 4
    configure(&configuration)
    let c = configuration
    return try await HTTPClientFetcher.withFetcher(HTTPClientFetcher.clientConfiguration(), options: .init()) { fetcher in
        await Crawler(fetcher: fetcher, configuration: c).run()
    }
}

let quietLogger = Logger(label: "browser-tests", factory: { _ in SwiftLogNoOpLogHandler() })

/// The path of a URL on the test server (`/css/site.css`).
func path(_ url: String, _ base: URL) -> String {
    url.hasPrefix(base.absoluteString) ? "/" + url.dropFirst(base.absoluteString.count) : url
}
