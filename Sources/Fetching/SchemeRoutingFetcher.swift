internal import CrawlModel
internal import Foundation

/// Sends plain `http://` requests to one fetcher and everything else (`https://`, where TLS
/// and HTTP/2 live) to another: ``HTTP1Fetcher`` and ``HTTPClientFetcher`` in the CLI.
///
/// ```swift
/// let fetcher = SchemeRoutingFetcher(plain: http1, secure: asyncHTTPClient)
/// ```
public struct SchemeRoutingFetcher: Fetcher {
    let plain: any Fetcher
    let secure: any Fetcher

    public init(plain: any Fetcher, secure: any Fetcher) {
        self.plain = plain
        self.secure = secure
    }

    public func fetch(_ request: FetchRequest) async -> FetchResponse {
        request.url.absoluteString.utf8.starts(with: "http://".utf8) ? await plain.fetch(request) : await secure.fetch(request)
    }
}
