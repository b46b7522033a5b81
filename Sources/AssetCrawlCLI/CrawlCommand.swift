internal import ArgumentParser
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

    @Argument(help: "The start URLs (http or https); their origins are the crawl's scope. Omit them with --serve.")
    var urls: [String] = []

    @Option(name: .long, help: ArgumentHelp("Serve this folder with the embedded server on 127.0.0.1 and crawl it from /.", valueName: "dir"))
    var serve: String?

    @Option(name: .long, help: ArgumentHelp("Write the JSON report to this file.", valueName: "file"))
    var json: String?

    @OptionGroup(title: "Crawling")
    var crawlOptions: CrawlOptions

    @OptionGroup(title: "Browser")
    var browserFlags: BrowserFlags

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "warning"

    @OptionGroup(title: "Reports and checks")
    var reportOptions: ReportOptions

    func validate() throws {
        if Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        var logger = Logger(label: "assetcrawl")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        if crawlOptions.verbose { logger.logLevel = min(logger.logLevel, .debug) }
        if crawlOptions.quiet { logger.logLevel = max(logger.logLevel, .error) }
        // Checked here, not in validate(): ArgumentParser validates before it reports unknown
        // options, and a mistyped flag's value would otherwise land in `url`.
        if urls.isEmpty && serve == nil {
            throw UsageError(message: "give a start URL (assetcrawl crawl http://127.0.0.1:8080/) or a folder (assetcrawl crawl --serve DIR)")
        }
        if !urls.isEmpty && serve != nil {
            throw UsageError(message: "give either a start URL or --serve DIR, not both")
        }
        try browserFlags.checkBrowserInstalled()
        if let serve {
            let root = URL(fileURLWithPath: serve)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError(message: "--serve: no such folder: \(serve) (give the folder of a built site, e.g. --serve Samples/FixtureSite)")
            }
            var server = FixtureServer.Configuration(root: root)
            server.policy = try ServePolicyLoader.load(root: root, file: nil)
            try await FixtureServer.withFixtureServer(server, logger: logger) { baseURL in
                try await crawl([baseURL], logger: logger)
            }
        } else {
            var starts: [URL] = []
            for url in urls {
                guard let start = URL(string: url), let scheme = start.scheme?.lowercased(), scheme == "http" || scheme == "https",
                      start.host != nil, case .url(let normalized) = WebURL.resolve(url, against: start)
                else {
                    throw UsageError(message: "not an http(s) URL: \(url) (give one like http://127.0.0.1:8080/)")
                }
                if !starts.contains(normalized) { starts.append(normalized) }
            }
            try await crawl(starts, logger: logger)
        }
    }

    func crawl(_ starts: [URL], logger: Logger) async throws {
        let start = starts[0]
        let result = try await CrawlRunner(options: crawlOptions, logger: logger).run(starts)
        let interrupted = result.stopReason?.hasPrefix("interrupted") == true
        // A start page that could not be fetched, or is not HTML, means the crawl did not happen.
        if !interrupted, let first = result.resources[start.absoluteString] {
            if let failure = first.failure, first.exchange.status == nil || first.redirects.isEmpty && result.pages.isEmpty {
                let hint = failure.code == .tls
                    ? "if the server uses its own CA or a self-signed certificate, add --ca-cert FILE with that certificate"
                    : "is the server running and the URL right?"
                throw UsageError(message: "cannot crawl \(start.absoluteString): \(failure.description) (\(hint))")
            }
            if result.pages.isEmpty {
                throw UsageError(message: "the start page \(first.exchange.url) is not HTML (Content-Type: \(first.exchange.contentType ?? "none")); give the URL of an HTML page")
            }
        }
        if !interrupted, result.pages.isEmpty, let reason = result.skipped?[start.absoluteString] {
            throw UsageError(message: "cannot crawl \(start.absoluteString): \(reason) (use --ignore-robots to crawl it anyway)")
        }
        // The browser pass runs after the static crawl, over its pages (see BrowserFlags.swift).
        let browserPass = interrupted ? nil : try await browserFlags.visits(result, noExternal: crawlOptions.noExternal, logger: logger)
        let browser = browserPass?.visits
        // Ctrl-C in either pass: the reports of what was done, then exit 130.
        let stopped = interrupted || browserPass?.interrupted == true
        // Reports, budgets and the exit code for checks (issue #6): see ReportOptions.swift.
        // An interrupted crawl still writes what it has, then exits 130 whatever the checks say.
        do {
            try reportOptions.emit(result: result, json: json, browser: browser)
        } catch let exit as ExitCode where stopped && exit == .failure {
        }
        if stopped { throw ExitCode(130) }
    }
}
