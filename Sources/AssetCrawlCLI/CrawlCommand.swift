internal import ArgumentParser
internal import AsyncHTTPClient
internal import Audit
internal import Crawler
internal import CrawlModel
internal import Fetching
internal import FixtureServer
internal import Foundation
internal import Logging
internal import Reports

/// `assetcrawl crawl (URL | --serve DIR)`.
struct CrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Crawl a site from a start URL, fetch every page requisite, and probe each with conditional requests.",
        discussion: """
            Exit codes: 0 the crawl completed (whatever it found), 1 a check failed, \
            2 the crawl could not run (bad flags, unreachable start URL, start page not HTML).
            """
    )

    @Argument(help: "The start URL (http or https). Omit it with --serve.")
    var url: String?

    @Option(name: .long, help: ArgumentHelp("Serve this folder with the embedded server on 127.0.0.1 and crawl it from /.", valueName: "dir"))
    var serve: String?

    @Option(name: .long, help: ArgumentHelp("Write the JSON report to this file.", valueName: "file"))
    var json: String?

    @Option(name: .customLong("max-pages"), help: "Crawl at most this many pages.")
    var maxPages: Int = 1000

    @Option(name: .long, help: "Requests in flight at once.")
    var concurrency: Int = 16

    @Flag(name: .customLong("no-revalidate"), help: "Skip the If-None-Match / If-Modified-Since probes.")
    var noRevalidate = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "warning"

    @OptionGroup(title: "Reports and checks")
    var reportOptions: ReportOptions

    func validate() throws {
        if maxPages < 1 { throw ValidationError("--max-pages must be at least 1, e.g. --max-pages 100") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1, e.g. --concurrency 16") }
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        var logger = Logger(label: "assetcrawl")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        // Checked here, not in validate(): ArgumentParser validates before it reports unknown
        // options, and a mistyped flag's value would otherwise land in `url`.
        if url == nil && serve == nil {
            throw UsageError(message: "give a start URL (assetcrawl crawl http://127.0.0.1:8080/) or a folder (assetcrawl crawl --serve DIR)")
        }
        if url != nil && serve != nil {
            throw UsageError(message: "give either a start URL or --serve DIR, not both")
        }
        if let serve {
            let root = URL(fileURLWithPath: serve)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError(message: "--serve: no such folder: \(serve) (give the folder of a built site, e.g. --serve Samples/FixtureSite)")
            }
            var server = FixtureServer.Configuration(root: root)
            server.policy = try ServePolicyLoader.load(root: root, file: nil)
            try await FixtureServer.withFixtureServer(server, logger: logger) { baseURL in
                try await crawl(baseURL, logger: logger)
            }
        } else if let url {
            guard let start = URL(string: url), let scheme = start.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  start.host != nil, case .url(let normalized) = WebURL.resolve(url, against: start)
            else {
                throw UsageError(message: "not an http(s) URL: \(url) (give one like http://127.0.0.1:8080/)")
            }
            try await crawl(normalized, logger: logger)
        }
    }

    func crawl(_ start: URL, logger: Logger) async throws {
        var configuration = CrawlConfiguration(startURLs: [start])
        configuration.maxPages = maxPages
        configuration.concurrency = concurrency
        configuration.revalidate = !noRevalidate
        let clientConfiguration = HTTPClientFetcher.clientConfiguration()
        let result = try await HTTPClient.withHTTPClient(configuration: clientConfiguration) { client in
            let fetcher = HTTPClientFetcher(client: client)
            return await Crawler(fetcher: fetcher, configuration: configuration, logger: logger).run()
        }
        // A start page that could not be fetched, or is not HTML, means the crawl did not happen.
        if let first = result.resources[start.absoluteString] {
            if let failure = first.failure, first.exchange.status == nil || first.redirects.isEmpty && result.pages.isEmpty {
                throw UsageError(message: "cannot crawl \(start.absoluteString): \(failure.description) (is the server running and the URL right?)")
            }
            if result.pages.isEmpty {
                throw UsageError(message: "the start page \(first.exchange.url) is not HTML (Content-Type: \(first.exchange.contentType ?? "none")); give the URL of an HTML page")
            }
        }
        // Reports, budgets and the exit code for checks (issue #6): see ReportOptions.swift.
        try reportOptions.emit(result: result, json: json)
    }
}
