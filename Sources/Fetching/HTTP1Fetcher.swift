internal import CrawlModel
internal import Foundation
internal import NIOCore

/// A lean `Fetcher` for plain `http://` on SwiftNIO: kept-alive HTTP/1.1 connections per
/// host (``HTTP1ConnectionPool``), one handler per connection that parses and counts the
/// response as it arrives and resumes the fetching task once, at the end of the response.
///
/// It keeps what ``HTTPClientFetcher`` promises: no redirects followed, no automatic
/// decompression (`bodyBytes` are wire bytes; `headerBytes` are the head exactly as
/// received), bodies kept only when `keepBody` says so, cut at ``HTTPClientFetcher/Options/maxBodyBytes``,
/// head and total timeouts, a read timeout for a stalled body, and every failure a value.
/// TLS and HTTP/2 stay with AsyncHTTPClient (see ``SchemeRoutingFetcher``).
///
/// ```swift
/// try await HTTP1Fetcher.withFetcher(.init(perHostConnections: 6)) { fetcher in
///     await fetcher.fetch(FetchRequest(url: URL(string: "http://127.0.0.1:8080/")!))
/// }
/// ```
public struct HTTP1Fetcher: Fetcher {
    public struct Configuration: Sendable {
        /// Connections open at once to one host and port.
        public var perHostConnections: Int
        public var connectTimeout: Duration
        /// The longest silence while a response arrives.
        public var readTimeout: Duration
        public init(perHostConnections: Int = 6, connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(30)) {
            self.perHostConnections = perHostConnections
            self.connectTimeout = connectTimeout
            self.readTimeout = readTimeout
        }
    }

    let pool: HTTP1ConnectionPool
    let configuration: Configuration
    let options: HTTPClientFetcher.Options
    let epoch: ContinuousClock.Instant

    init(pool: HTTP1ConnectionPool, configuration: Configuration, options: HTTPClientFetcher.Options, epoch: ContinuousClock.Instant) {
        self.pool = pool
        self.configuration = configuration
        self.options = options
        self.epoch = epoch
    }

    /// Runs `body` with a fetcher and its own connection pool, and closes every connection after.
    public static func withFetcher<Result>(
        _ configuration: Configuration = Configuration(), options: HTTPClientFetcher.Options = HTTPClientFetcher.Options(),
        epoch: ContinuousClock.Instant = .now, _ body: (HTTP1Fetcher) async throws -> Result
    ) async throws -> Result {
        let pool = HTTP1ConnectionPool(perHost: configuration.perHostConnections, connectTimeout: configuration.connectTimeout)
        let fetcher = HTTP1Fetcher(pool: pool, configuration: configuration, options: options, epoch: epoch)
        do {
            let result = try await body(fetcher)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }

    public func fetch(_ request: FetchRequest) async -> FetchResponse {
        let started = ContinuousClock.now
        let absolute = request.url.absoluteString
        var exchange = Exchange(url: absolute, method: request.method, requestHeaders: request.headers,
                                timings: Timings(startedMs: milliseconds(epoch, started)))
        guard let target = RequestTarget(absolute) else {
            exchange.error = FetchError(.invalidURL, "not a plain http:// URL with a host: \(absolute)")
            return FetchResponse(exchange: exchange)
        }
        let outcome = await send(request, to: target)
        exchange.timings.totalMs = milliseconds(started, .now)
        switch outcome {
        case .failure(let error):
            exchange.error = error
            return FetchResponse(exchange: exchange)
        case .success(let response):
            exchange.status = response.head.status
            exchange.httpVersion = response.head.version
            exchange.responseHeaders = response.head.headers
            exchange.headerBytes = response.headerBytes
            exchange.timings.headMs = milliseconds(started, response.headAt)
            let body = exchange.recordBody(response.sink, framingBytes: response.framingBytes, contentEncoding: response.head.contentEncoding)
            return FetchResponse(exchange: exchange, body: body, digest: response.sink.digest)
        }
    }

    /// Sends on a kept-alive connection when there is one; if that connection turns out to have
    /// been closed by the server before answering, once more on a new one.
    func send(_ request: FetchRequest, to target: RequestTarget) async -> Result<HTTP1Response, FetchError> {
        let wire = HTTP1Request(
            bytes: target.requestHead(method: request.method, headers: request.headers),
            isHead: request.method == "HEAD", keepBody: request.keepBody, digest: request.digest,
            limit: request.maxBodyBytes ?? options.maxBodyBytes, readTimeout: TimeAmount(configuration.readTimeout),
            headTimeout: options.headTimeout, totalTimeout: options.totalTimeout)
        var fresh = false
        while true {
            let acquired: (connection: HTTP1ConnectionPool.Connection, reused: Bool)
            do { acquired = try await pool.acquire(target.key, fresh: fresh) } catch { return .failure(error) }
            let (connection, reused) = acquired
            let result = await connection.execute(wire)
            switch result {
            case .success(let response):
                pool.release(connection, reusable: response.reusable)
                return .success(response)
            case .failure(let failure):
                pool.release(connection, reusable: false)
                if reused, failure.beforeAnyByte, !fresh, !Task.isCancelled {
                    fresh = true
                    continue
                }
                return .failure(failure.error)
            }
        }
    }
}
