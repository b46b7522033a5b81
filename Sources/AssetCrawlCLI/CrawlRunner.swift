internal import Audit
internal import Crawler
internal import CrawlModel
internal import CrawlStore
internal import Dispatch
internal import Fetching
internal import Foundation
#if canImport(Glibc)
internal import Glibc
#endif
internal import Logging
internal import PostgresCrawlStore

/// Builds the fetcher stack from the flags, runs the crawl, turns SIGINT into a
/// cancellation (the crawl returns what it has), and draws the progress line.
struct CrawlRunner {
    var options: CrawlOptions
    var logger: Logger

    /// Crawls into `store` (or continues its crawl); returns the stop reason, nil when it completed.
    func run(_ starts: [URL], store: any CrawlStore, resume: Bool, arguments: [String]) async throws -> StopReason? {
        #if canImport(Glibc)
        // glibc gives every thread that allocates its own arena; with the cooperative pool,
        // the NIO threads and libxml2 that multiplied resident memory for no speed gain.
        _ = glibcMallopt(-8 /* M_ARENA_MAX */, 2)
        #endif
        let configuration = options.configuration(startURLs: starts)
        let showProgress = !options.quiet && isatty(STDERR_FILENO) == 1
        let delay = CrawlOptions.seconds(options.delay)
        let retryPolicy = options.retryPolicy
        let logger = self.logger
        // Exchanges' start times count from the crawl's first start, across resumes (the HAR's
        // startedDateTime is the stored start plus them).
        var epoch = ContinuousClock.now
        if resume, let started = try await store.crawl()?.startedAt {
            epoch = epoch - .milliseconds(Int64(max(0, Date().timeIntervalSince(started)) * 1000))
        }
        return try await withTransport(epoch: epoch) { transport in
            var fetcher = transport
            if retryPolicy.maxRetries > 0 { fetcher = RetryingFetcher(fetcher, policy: retryPolicy) }
            // Requests in flight never exceed --concurrency, so the per-host gate only matters
            // when it is lower, or when requests must be spaced out.
            if let shared = store as? PostgresCrawlStore {
                // Several processes crawl from this store: the limits hold for all of them together.
                fetcher = SharedHostLimitingFetcher(fetcher, store: shared, perHost: options.perHost, delay: delay)
                shared.configure(pageLimit: configuration.maxPages, concurrency: configuration.concurrency)
            } else if options.perHost < configuration.concurrency || delay > .zero {
                fetcher = HostLimitingFetcher(fetcher, perHost: options.perHost, delay: delay)
            }
            let crawler = Crawler(fetcher: fetcher, configuration: configuration, logger: logger)
            // Benchmarks (Benchmarks/scale.sh) set ASSETCRAWL_BENCH to get the crawl phase's own
            // figures, before any report is written.
            let bench = ProcessInfo.processInfo.environment["ASSETCRAWL_BENCH"] != nil
            let task = Task {
                try await crawler.run(store: store, resume: resume, arguments: arguments, progressInterval: bench ? .seconds(3600) : .milliseconds(250),
                                      progress: showProgress ? Self.drawProgress : bench ? Self.benchLine : nil)
            }
            defer { if showProgress { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 79) + "\r").utf8)) } }
            return try await Interrupt.shared.during(task)
        }
    }

    /// The crawl phase for benchmarks: wall time, requests and CPU so far, on one stderr line.
    @Sendable static func benchLine(_ p: CrawlProgress) {
        guard p.inFlight == 0 else { return }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        let seconds = Double(p.elapsed.components.seconds) + Double(p.elapsed.components.attoseconds) / 1e18
        // maxrss: the peak resident memory so far (KB), the crawl phase's own before any report.
        FileHandle.standardError.write(Data(String(format: "crawl-phase seconds=%.3f requests=%d user=%.3f sys=%.3f maxrss=%ld\n", seconds, p.requests,
                                                   cpu(usage.ru_utime), cpu(usage.ru_stime), usage.ru_maxrss).utf8))
    }

    /// The transport the flags describe, shut down after `body`: plain `http://` through the
    /// lean HTTP/1.1 pool, `https://` through AsyncHTTPClient. `ASSETCRAWL_HTTP1=asynchttpclient`
    /// sends plain http through AsyncHTTPClient as well, to compare the two (Benchmarks/crawl.sh).
    func withTransport<T>(epoch: ContinuousClock.Instant = .now, _ body: (any Fetcher) async throws -> T) async throws -> T {
        let connectTimeout = CrawlOptions.seconds(options.connectTimeout), readTimeout = CrawlOptions.seconds(options.timeout)
        let client = HTTPClientFetcher.clientConfiguration(
            perHostConnections: options.perHost, insecure: options.insecure, trustedCertificates: options.caCert,
            connectTimeout: connectTimeout, readTimeout: readTimeout)
        let plain = HTTP1Fetcher.Configuration(perHostConnections: options.perHost, connectTimeout: connectTimeout, readTimeout: readTimeout)
        let transport: HTTPTransport = ProcessInfo.processInfo.environment["ASSETCRAWL_HTTP1"] == "asynchttpclient" ? .asyncHTTPClient : .lean
        return try await transport.withFetcher(client: client, plain: plain, options: options.fetcherOptions, epoch: epoch, body)
    }

    @Sendable static func drawProgress(_ p: CrawlProgress) {
        // Plain text padded over the previous line: no escape sequences (NO_COLOR terminals, logs).
        let line = String(format: "%d pages done, %d queued, %d in flight, %d requests, %.1f MB, %.0f req/s",
                          p.pagesDone, p.queued, p.inFlight, p.requests, Double(p.bytes) / 1_048_576, p.rate)
        FileHandle.standardError.write(Data(("\r" + line.padding(toLength: max(79, line.count), withPad: " ", startingAt: 0)).utf8))
    }
}

#if canImport(Glibc)
/// `mallopt(3)` from `<malloc.h>`, which the Glibc module does not export.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
