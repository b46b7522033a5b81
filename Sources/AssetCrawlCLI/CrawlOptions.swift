internal import ArgumentParser
internal import Audit
internal import Crawler
internal import CrawlModel
internal import Fetching
internal import Foundation
internal import HTTPSemantics

/// The crawl's scope, politeness, fetching and output flags of `assetcrawl crawl`.
struct CrawlOptions: ParsableArguments {
    // MARK: Scope
    @Option(name: .customLong("max-pages"), parsing: .unconditional, help: "Crawl at most this many pages (no limit unless given, as wget -r; memory stays bounded whatever the size).")
    var maxPages: Int?

    @Option(name: .customLong("max-url-length"), parsing: .unconditional, help: ArgumentHelp("Crawler-trap guard: skip pages whose URL is longer than this.", valueName: "bytes"))
    var maxURLLength: Int = 2048

    @Option(name: .customLong("max-query-variants"), parsing: .unconditional, help: ArgumentHelp("Crawler-trap guard: skip pages past this many distinct query strings on one path (calendars, facets).", valueName: "n"))
    var maxQueryVariants: Int = 1000

    @Option(name: .customLong("max-imports"), parsing: .unconditional, help: ArgumentHelp("Fetch at most this many stylesheets through @import for one page (chains included); the rest are skipped with the reason.", valueName: "n"))
    var maxImports: Int = 100

    @Option(name: .customLong("max-requisites"), parsing: .unconditional, help: ArgumentHelp("Fetch at most this many requisites for one page (through its stylesheets too); the rest are skipped with the reason.", valueName: "n"))
    var maxRequisites: Int = 5000

    @Option(name: .customLong("max-depth"), parsing: .unconditional, help: "Follow links at most this many clicks from a start URL (0: the start pages only).")
    var maxDepth: Int?

    @Option(name: .customLong("max-time"), parsing: .unconditional, help: ArgumentHelp("Stop after this many seconds and report what was done.", valueName: "seconds"))
    var maxTime: Double?

    @Flag(name: .long, help: "Also seed the crawl from each start origin's sitemap (robots.txt Sitemap: lines, else /sitemap.xml).")
    var sitemap = false

    @Option(name: .long, help: ArgumentHelp("Only crawl pages whose URL matches this regular expression (repeatable).", valueName: "regex"))
    var include: [String] = []

    @Option(name: .long, help: ArgumentHelp("Never crawl pages whose URL matches this regular expression (repeatable).", valueName: "regex"))
    var exclude: [String] = []

    @Flag(name: .customLong("ignore-robots"), help: "Crawl pages that robots.txt disallows.")
    var ignoreRobots = false

    @Flag(name: .customLong("no-external"), help: "Skip requisites on other origins (CDNs, font hosts); by default they are fetched and counted, never crawled.")
    var noExternal = false

    @Flag(name: .customLong("no-revalidate"), help: "Skip the If-None-Match / If-Modified-Since probes.")
    var noRevalidate = false

    // MARK: Fetching
    @Option(name: .long, parsing: .unconditional, help: "Requests in flight at once, across all hosts.")
    var concurrency: Int = 16

    @Option(name: .customLong("per-host"), parsing: .unconditional, help: "Requests in flight at once to one host (browsers use 6).")
    var perHost: Int = 6

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Wait at least this many seconds between two requests to the same host.", valueName: "seconds"))
    var delay: Double = 0

    @Option(name: .customLong("connect-timeout"), parsing: .unconditional, help: ArgumentHelp("Give up connecting after this many seconds.", valueName: "seconds"))
    var connectTimeout: Double = 10

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("Give up waiting for a response head after this many seconds.", valueName: "seconds"))
    var timeout: Double = 30

    @Option(name: .customLong("body-timeout"), parsing: .unconditional, help: ArgumentHelp("Give up on a whole exchange, body included, after this many seconds.", valueName: "seconds"))
    var bodyTimeout: Double = 120

    @Option(name: .customLong("max-body"), parsing: .unconditional, help: ArgumentHelp("Count at most this much of a body, then cut it and mark it (e.g. 50M, 512K, 1000000).", valueName: "size"))
    var maxBody: String = "50M"

    @Option(name: .long, parsing: .unconditional, help: "Retry a 429 or 503 answer this many times, honouring Retry-After.")
    var retries: Int = 2

    @Option(name: .customLong("max-retry-wait"), parsing: .unconditional, help: ArgumentHelp("Never wait longer than this before a retry, whatever Retry-After says.", valueName: "seconds"))
    var maxRetryWait: Double = 10

    @Option(name: .customLong("user-agent"), help: "The User-Agent header (its product token also picks the robots.txt group).")
    var userAgent: String = "assetcrawl/0.1"

    @Option(name: .long, help: ArgumentHelp("Send this header to the start origins only (repeatable), e.g. --header 'Authorization: Bearer …'.", valueName: "Name: value"))
    var header: [String] = []

    @Option(name: .long, help: ArgumentHelp("Basic authentication for the start origins only.", valueName: "user:password"))
    var user: String?

    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("Trust the certificates in this PEM file as well as the system's (repeatable): a staging server's own CA or self-signed certificate.", valueName: "file"))
    var caCert: [String] = []

    @Flag(name: .long, help: "Accept any TLS certificate (prefer --ca-cert, which still checks the server).")
    var insecure = false

    // MARK: Browser model
    @Option(name: .long, help: ArgumentHelp("The screen the headline figures assume: CSS pixels and device pixel ratio, for srcset, sizes, <picture> and @media (e.g. 375x812@2).", valueName: "WxH@DPR"))
    var viewport: String = "1280x800@1"

    // MARK: Output
    @Flag(name: .long, help: "No progress line and only errors on stderr.")
    var quiet = false

    @Flag(name: .long, help: "Log every fetched URL on stderr.")
    var verbose = false

    func validate() throws {
        // Every number through OptionValidation: finite, in range, and the message says the range.
        typealias V = OptionValidation
        if let maxPages { try V.count("--max-pages", maxPages, in: 1...Int.max, example: 100) }
        try V.count("--max-url-length", maxURLLength, in: 16...1_048_576, example: 2048)
        try V.count("--max-query-variants", maxQueryVariants, in: 1...1_000_000_000, example: 1000)
        try V.count("--max-imports", maxImports, in: 0...100_000, example: 64)
        try V.count("--max-requisites", maxRequisites, in: 1...10_000_000, example: 2000)
        try V.count("--concurrency", concurrency, in: 1...1024, example: 16)
        try V.count("--per-host", perHost, in: 1...1024, example: 6)
        if let maxDepth { try V.count("--max-depth", maxDepth, in: 0...1_000_000, example: 5) }
        try V.count("--retries", retries, in: 0...100, example: 2)
        if let maxTime { try V.seconds("--max-time", maxTime, in: V.maxTimeRange) }
        try V.seconds("--delay", delay, in: V.waitRange, allowZero: true)
        try V.seconds("--max-retry-wait", maxRetryWait, in: V.waitRange, allowZero: true)
        try V.seconds("--connect-timeout", connectTimeout, in: V.timeoutRange)
        try V.seconds("--timeout", timeout, in: V.timeoutRange)
        try V.seconds("--body-timeout", bodyTimeout, in: V.timeoutRange)
        _ = try V.size("--max-body", maxBody, in: V.bodyRange)
        do {
            try HTTPClientFetcher.checkTrustedCertificates(caCert)
        } catch {
            throw ValidationError("--ca-cert: \(error)")
        }
        for h in header where Self.parseHeader(h) == nil {
            throw ValidationError("--header must look like 'Name: value', not \(h)")
        }
        if let user, !user.contains(":") { throw ValidationError("--user must look like user:password") }
        if quiet && verbose { throw ValidationError("give --quiet or --verbose, not both") }
        do { _ = try Viewport(parsing: viewport) } catch { throw ValidationError(error.description) }
        for pattern in include + exclude where (try? NSRegularExpression(pattern: pattern)) == nil {
            throw ValidationError("--include/--exclude: not a valid regular expression: \(pattern)")
        }
    }

    static func parseHeader(_ s: String) -> HeaderField? {
        guard let colon = s.firstIndex(of: ":") else { return nil }
        let name = s[..<colon].trimmingCharacters(in: .whitespaces)
        let value = s[s.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else { return nil }
        return HeaderField(name: name, value: value)
    }

    /// Checked seconds as a `Duration` (never traps: see ``OptionValidation/duration(_:)``).
    static func seconds(_ s: Double) -> Duration { OptionValidation.duration(s) }

    /// The crawler's configuration for these start URLs.
    func configuration(startURLs: [URL]) -> CrawlConfiguration {
        var c = CrawlConfiguration(startURLs: startURLs)
        c.maxPages = maxPages ?? .max
        c.traps.maxURLLength = maxURLLength
        c.traps.maxQueryVariants = maxQueryVariants
        c.pageLimits = PageLimits(maxImports: maxImports, maxRequisites: maxRequisites)
        c.maxDepth = maxDepth ?? .max
        c.maxTime = maxTime.map(Self.seconds)
        c.concurrency = concurrency
        c.revalidate = !noRevalidate
        c.fetchExternalRequisites = !noExternal
        c.userAgent = userAgent
        c.respectRobots = !ignoreRobots
        c.useSitemap = sitemap
        c.include = include
        c.exclude = exclude
        c.headers = header.compactMap(Self.parseHeader)
        if let user {
            c.headers.append(HeaderField(name: "Authorization", value: "Basic " + Data(user.utf8).base64EncodedString()))
        }
        return c
    }

    var fetcherOptions: HTTPClientFetcher.Options {
        var o = HTTPClientFetcher.Options()
        o.headTimeout = Self.seconds(timeout)
        o.totalTimeout = Self.seconds(bodyTimeout)
        o.maxBodyBytes = OptionValidation.parseSize(maxBody) ?? o.maxBodyBytes
        return o
    }

    var retryPolicy: RetryingFetcher.Policy {
        RetryingFetcher.Policy(maxRetries: retries, maxDelay: Self.seconds(maxRetryWait))
    }
}

