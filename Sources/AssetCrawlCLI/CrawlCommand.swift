internal import ArgumentParser
internal import Audit
internal import Crawler
internal import CrawlModel
internal import CrawlStore
internal import Fetching
internal import FixtureServer
internal import Foundation
internal import Logging
internal import PostgresCrawlStore
internal import Reports

/// `assetcrawl crawl (URL | --serve DIR)`.
struct CrawlCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crawl",
        abstract: "Crawl a site from a start URL, fetch every page requisite, and probe each with conditional requests.",
        discussion: """
            Exit codes: 0 the crawl completed (whatever it found), 1 a check failed, \
            2 the crawl could not run (bad flags, unreachable start URL, a start page that answers 4xx/5xx \
            or is not HTML, robots.txt that allows nothing).
            """
    )

    @Argument(help: "The start URLs (http or https); their origins are the crawl's scope. Omit them with --serve.")
    var urls: [String] = []

    @Option(name: .long, help: ArgumentHelp("Serve this folder with the embedded server on 127.0.0.1 and crawl it from /.", valueName: "dir"))
    var serve: String?

    @Option(name: .long, help: ArgumentHelp("Write the JSON report to this file.", valueName: "file"))
    var json: String?

    @Option(name: .long, help: ArgumentHelp("Keep the crawl in this SQLite file as it goes (frontier, every exchange and probe, references): continue it with --resume, report it with assetcrawl report. Without it a temporary store is used and deleted. A postgresql://USER@HOST:PORT/DATABASE URL keeps it in PostgreSQL, where assetcrawl worker processes on other machines join it.", valueName: "file"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("Continue the crawl kept in this file (stopped by Ctrl-C, --max-time or a kill) with the start URLs and options it was started with.", valueName: "file"))
    var resume: String?

    @OptionGroup(title: "Crawling")
    var crawlOptions: CrawlOptions

    @Flag(name: .customLong("allow-start-status"), help: "Crawl on when a start page answers 4xx or 5xx (by default that fails the run, exit 2).")
    var allowStartStatus = false

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
        // Before the crawl: a report that cannot be written afterwards loses the crawl.
        // A postgresql:// store is a database, not a path: its errors come when it is opened.
        let storePath = store.flatMap { PostgresLocation.isPostgresURL($0) ? nil : $0 }
        try OutputPaths.check([("--json", json), ("--store", storePath)] + reportOptions.outputs)
    }

    func run() async throws {
        var logger = Logger(label: "assetcrawl")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
        if crawlOptions.verbose { logger.logLevel = min(logger.logLevel, .debug) }
        if crawlOptions.quiet { logger.logLevel = max(logger.logLevel, .error) }
        if let resume {
            guard urls.isEmpty, serve == nil, store == nil else {
                throw UsageError(message: "--resume continues the stored crawl with its own start URLs and options: give it alone, e.g. assetcrawl crawl --resume \(resume) --json report.json")
            }
            let ignored = crawlOptions.flagsGiven()
            guard ignored.isEmpty else {
                throw UsageError(message: "--resume reads the crawl's options from \(resume) (the command line it was started with), so \(ignored.joined(separator: ", ")) would be ignored: drop \(ignored.count == 1 ? "it" : "them") (report flags such as --json, --html and --budget are fine), or start a new crawl with those options and --store NEW.sqlite")
            }
            if PostgresLocation.isPostgresURL(resume) {
                throw UsageError(message: "a crawl in PostgreSQL is continued by workers: assetcrawl worker \(resume), then assetcrawl report \(resume) --json report.json")
            }
            let store = try StoreFile.open(resume, mustExist: true)
            guard let stored = try await StoreFile.run({ try await store.crawl() }) else {
                throw UsageError(message: "\(resume) holds no crawl to resume; start one with assetcrawl crawl URL --store \(resume)")
            }
            let original: CrawlCommand
            do { original = try CrawlCommand.parse(stored.arguments) } catch {
                throw UsageError(message: "\(resume): the stored command line no longer parses (\(CrawlCommand.message(for: error))); start a new crawl")
            }
            if original.serve != nil {
                throw UsageError(message: "\(resume) is a crawl of --serve, whose port changes on every run: serve the folder with assetcrawl serve DIR --port N and crawl that URL with --store to be able to resume")
            }
            var options = try restoringSecrets(into: original.crawlOptions, file: resume)
            // What this run prints is this command line's choice.
            options.quiet = crawlOptions.quiet
            options.verbose = crawlOptions.verbose
            try await crawl(try original.startURLs(), options: options, store: .sqlite(store), resume: true, logger: logger)
            return
        }
        // Checked here, not in validate(): ArgumentParser validates before it reports unknown
        // options, and a mistyped flag's value would otherwise land in `url`.
        if urls.isEmpty && serve == nil {
            throw UsageError(message: "give a start URL (assetcrawl crawl http://127.0.0.1:8080/) or a folder (assetcrawl crawl --serve DIR)")
        }
        if !urls.isEmpty && serve != nil {
            throw UsageError(message: "give either a start URL or --serve DIR, not both")
        }
        try browserFlags.checkBrowserInstalled()
        let opened: OpenedStore
        if let store { opened = try await StoreFile.open(store, mustExist: false, logger: logger) } else { opened = .sqlite(try StoreFile.temporary()) }
        do { try await crawlOrServe(store: opened, logger: logger) } catch {
            await opened.close()
            throw error
        }
        await opened.close()
    }

    private func crawlOrServe(store: OpenedStore, logger: Logger) async throws {
        if let serve {
            let root = URL(fileURLWithPath: serve)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError(message: "--serve: no such folder: \(serve) (give the folder of a built site, e.g. --serve Samples/FixtureSite)")
            }
            var server = FixtureServer.Configuration(root: root)
            server.policy = try ServePolicyLoader.load(root: root, file: nil)
            try await FixtureServer.withFixtureServer(server, logger: logger) { baseURL in
                try await crawl([baseURL], options: crawlOptions, store: store, resume: false, logger: logger)
            }
        } else {
            try await crawl(try startURLs(), options: crawlOptions, store: store, resume: false, logger: logger)
        }
    }

    /// The start URLs, normalised and deduplicated.
    func startURLs() throws -> [URL] {
        var starts: [URL] = []
        for url in urls {
            if let port = URLComponents(string: url)?.port, !WebURL.validPorts.contains(port) {
                throw UsageError(message: "the port of \(url) is \(port): a port is a number from 1 to 65535 (e.g. http://127.0.0.1:8080/)")
            }
            guard let start = URL(string: url), let scheme = start.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  start.host != nil, case .url(let normalized) = WebURL.resolve(url, against: start)
            else {
                throw UsageError(message: "not an http(s) URL: \(url) (give one like http://127.0.0.1:8080/)")
            }
            if !starts.contains(normalized) { starts.append(normalized) }
        }
        return starts
    }

    func crawl(_ starts: [URL], options: CrawlOptions, store opened: OpenedStore, resume: Bool, logger: Logger) async throws {
        let start = starts[0]
        // The command line as given (without the subcommand's name), for --resume.
        // Secrets redacted: the store never holds one (--resume asks for them again).
        let arguments = Self.redactedArguments(Invocation.arguments.first == "crawl" ? Array(Invocation.arguments.dropFirst()) : Invocation.arguments)
        let stop = try await StoreFile.runShared {
            try await CrawlRunner(options: options, logger: logger).run(starts, store: opened.store, resume: resume, arguments: arguments)
        }
        // A crawl in PostgreSQL is read through a SQLite copy, like any stored crawl.
        let (store, isCopy) = try await opened.readable()
        defer { if isCopy { store.close() } }
        // Everything below reads the store row by row: the crawl is not held in memory.
        let records = try StoreFile.reader(store.path)
        records.viewport = options.viewport
        let pageCount = try records.pageCount
        let interrupted = if case .interrupted = stop { true } else { false }
        // A start page that could not be fetched, or is not HTML, means the crawl did not happen.
        if !interrupted, let first = try records.resource(start.absoluteString) {
            if let failure = first.failure, first.exchange.status == nil {
                let hint = failure.code == .tls
                    ? "if the server uses its own CA or a self-signed certificate, add --ca-cert FILE with that certificate"
                    : "is the server running and the URL right?"
                throw UsageError(message: "cannot crawl \(start.absoluteString): \(failure.description) (\(hint))")
            }
            // A mistyped start URL answered by an HTML error page must not pass as a crawl.
            if let status = first.exchange.status, status >= 400, !allowStartStatus {
                let hops = first.redirects.isEmpty ? "" : " (after \(first.redirects.count) redirect\(first.redirects.count == 1 ? "" : "s") to \(first.exchange.url))"
                throw UsageError(message: "the start page \(start.absoluteString) answered HTTP \(status)\(hops); check the URL, or add --allow-start-status to crawl it anyway")
            }
            if pageCount == 0, let failure = first.failure {
                let hint = failure.code == .bodyTooLarge ? "raise --max-body" : "is the server all right?"
                throw UsageError(message: "cannot crawl \(start.absoluteString): the start page could not be read: \(failure.description) (\(hint))")
            }
            if pageCount == 0 {
                throw UsageError(message: "the start page \(first.exchange.url) is not HTML (Content-Type: \(first.exchange.contentType ?? "none")); give the URL of an HTML page")
            }
        }
        if !interrupted, pageCount == 0, let reason = try records.skipReason(start.absoluteString) {
            throw UsageError(message: "cannot crawl \(start.absoluteString): \(Self.startSkipped(reason))")
        }
        // The browser pass runs after the static crawl, over its pages (see BrowserFlags.swift).
        // It needs the crawl in memory: a browser pass is for sites of pages, not millions of URLs.
        let browserPass = interrupted || !browserFlags.browser ? nil
            : try await browserFlags.visits(try await StoreFile.run { try await store.loadResult() }, viewport: options.viewport,
                                            noExternal: options.noExternal, logger: logger)
        let browser = browserPass?.visits
        // Ctrl-C in either pass: the reports of what was done, then exit 130.
        let stopped = interrupted || browserPass?.interrupted == true
        // Reports, budgets and the exit code for checks (issue #6): see ReportOptions.swift.
        // An interrupted crawl still writes what it has, then exits 130 whatever the checks say.
        do {
            try await reportOptions.emit(records: records, load: { try await StoreFile.run { try await store.loadResult() } }, json: json, browser: browser)
        } catch let exit as ExitCode where stopped && exit == .failure {
        }
        if stopped { throw ExitCode(130) }
    }
}
