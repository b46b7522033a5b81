public import AsyncHTTPClient
internal import CrawlModel

/// Which fetchers carry the crawl's requests, built and shut down in one place.
public enum HTTPTransport: String, Sendable, CaseIterable {
    /// Plain `http://` through ``HTTP1Fetcher``, `https://` (TLS, HTTP/2) through AsyncHTTPClient.
    case lean
    /// Everything through AsyncHTTPClient (``HTTPClientFetcher``).
    case asyncHTTPClient

    /// Runs `body` with the fetcher this transport describes, and shuts every client and
    /// connection down after it.
    ///
    /// ```swift
    /// try await HTTPTransport.lean.withFetcher(client: HTTPClientFetcher.clientConfiguration()) { fetcher in
    ///     await Crawler(fetcher: fetcher, configuration: configuration).run()
    /// }
    /// ```
    public func withFetcher<Result>(
        client: HTTPClient.Configuration, plain: HTTP1Fetcher.Configuration = HTTP1Fetcher.Configuration(),
        options: HTTPClientFetcher.Options = HTTPClientFetcher.Options(), epoch: ContinuousClock.Instant = .now,
        _ body: (any Fetcher) async throws -> Result
    ) async throws -> Result {
        try await HTTPClientFetcher.withFetcher(client, options: options, epoch: epoch) { secure in
            if self == .asyncHTTPClient { return try await body(secure) }
            return try await HTTP1Fetcher.withFetcher(plain, options: options, epoch: epoch) { plainFetcher in
                try await body(SchemeRoutingFetcher(plain: plainFetcher, secure: secure))
            }
        }
    }
}
