public import AsyncHTTPClient
public import CrawlModel
internal import Foundation
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import NIOSSL

/// The `Fetcher` over AsyncHTTPClient: streams each body, counts wire bytes as they arrive,
/// keeps only the bodies extraction needs, and turns every failure into a value.
///
/// Redirects are not followed here (the crawler follows and records them hop by hop), and
/// automatic decompression is off so that `bodyBytes` are wire bytes; bodies that are kept
/// are decoded with ``ContentDecoding``.
public struct HTTPClientFetcher: Fetcher {
    public struct Options: Sendable {
        /// Time to the response head (connect included).
        public var headTimeout: Duration = .seconds(30)
        /// Time for the whole exchange, body included.
        public var totalTimeout: Duration = .seconds(120)
        /// A body larger than this is counted up to the cap, cut, and marked truncated.
        public var maxBodyBytes: Int = 50 * 1024 * 1024
        public init() {}
    }

    let client: HTTPClient
    let options: Options
    /// The instant the crawl started; timings are relative to it.
    let epoch: ContinuousClock.Instant

    public init(client: HTTPClient, options: Options = Options(), epoch: ContinuousClock.Instant = .now) {
        self.client = client
        self.options = options
        self.epoch = epoch
    }

    /// The client configuration the crawler wants: no redirects, no automatic decompression,
    /// a per-host connection limit, and optionally extra trusted certificates or no
    /// certificate verification at all.
    ///
    /// - Parameters:
    ///   - trustedCertificates: PEM files whose certificates are trusted as well as the
    ///     system's (a staging server's own CA or self-signed certificate); check them first
    ///     with ``checkTrustedCertificates(_:)``.
    ///   - readTimeout: the longest silence while a response arrives; it ends a body that
    ///     stalls completely (``Options/totalTimeout`` is checked as bytes arrive).
    public static func clientConfiguration(perHostConnections: Int = 6, insecure: Bool = false,
                                           trustedCertificates: [String] = [],
                                           connectTimeout: Duration = .seconds(10),
                                           readTimeout: Duration = .seconds(30)) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !trustedCertificates.isEmpty { tls.additionalTrustRoots = trustedCertificates.map { .file($0) } }
        if insecure { tls.certificateVerification = .none }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(connectTimeout), read: .init(readTimeout)),
            connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: perHostConnections),
            decompression: .disabled
        )
        configuration.httpVersion = .automatic
        // Fail fast on refused connections and unknown hosts: the crawler records the
        // failure (and retries where that makes sense) instead of AsyncHTTPClient retrying
        // silently with backoff until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    public func fetch(_ request: FetchRequest) async -> FetchResponse {
        let started = ContinuousClock.now
        var exchange = Exchange(url: request.url.absoluteString, method: request.method, requestHeaders: request.headers,
                                timings: Timings(startedMs: milliseconds(epoch, started)))
        var http = HTTPClientRequest(url: request.url.absoluteString)
        http.method = HTTPMethod(rawValue: request.method)
        for field in request.headers { http.headers.add(name: field.name, value: field.value) }
        let prepared = http
        let limit = request.maxBodyBytes ?? options.maxBodyBytes
        let headTimeout = TimeAmount(options.headTimeout)
        let client = self.client

        // The head is bounded by AsyncHTTPClient's deadline; the whole exchange by checking the
        // clock as each chunk arrives, with the client's read timeout catching a body that
        // stalls completely. (A timer task per request cost more CPU than the rest of the fetch.)
        let totalDeadline = started + options.totalTimeout
        let total = options.totalTimeout
        let wantsDigest = request.digest
        let outcome: Result<Streamed, any Error>
        do {
            let response = try await client.execute(prepared, timeout: headTimeout)
            let headAt = ContinuousClock.now
            let keep = request.keepBody(response.headers.first(name: "content-type"))
            var sink = BodySink(limit: limit, keep: keep, digest: wantsDigest,
                                expectedLength: response.headers.first(name: "content-length").flatMap { Int($0) })
            // AsyncHTTPClient hands over the body de-chunked, in the pieces NIO's decoder made of
            // each chunk: count each piece's framing (exact when a chunk arrives in one read).
            let chunked = response.version.major == 1
                && response.headers[canonicalForm: "transfer-encoding"].contains { $0.lowercased() == "chunked" }
            var framingBytes = 0
            for try await buffer in response.body {
                if ContinuousClock.now > totalDeadline {
                    throw FetchError(.timeout, "no complete response within \(total)")
                }
                let before = sink.count
                buffer.withUnsafeReadableBytes { sink.take($0) }
                if chunked, sink.count > before { framingBytes += ChunkedFraming.overhead(ofChunk: sink.count - before) }
                if sink.truncated { break }
            }
            if chunked, !sink.truncated { framingBytes += ChunkedFraming.terminator() }
            outcome = .success(Streamed(response: response, headMs: milliseconds(started, headAt), sink: sink, framingBytes: framingBytes))
        } catch {
            outcome = .failure(error)
        }
        exchange.timings.totalMs = milliseconds(started, .now)

        switch outcome {
        case .failure(let error):
            exchange.error = Self.classify(error)
            return FetchResponse(exchange: exchange)
        case .success(let streamed):
            let response = streamed.response
            exchange.status = Int(response.status.code)
            exchange.httpVersion = response.version.major == 2 ? "HTTP/2" : "HTTP/\(response.version.major).\(response.version.minor)"
            exchange.responseHeaders = response.headers.map { HeaderField(name: $0.name, value: $0.value) }
            exchange.headerBytes = Self.headerBytes(response)
            exchange.timings.headMs = streamed.headMs
            let body = exchange.recordBody(streamed.sink, framingBytes: streamed.framingBytes,
                                          contentEncoding: response.headers.first(name: "content-encoding"))
            return FetchResponse(exchange: exchange, body: body, digest: streamed.sink.digest)
        }
    }

    /// What one streamed response left behind.
    struct Streamed: @unchecked Sendable {
        var response: HTTPClientResponse
        var headMs: Double
        var sink: BodySink
        /// Chunked transfer framing around the body.
        var framingBytes: Int
    }

    /// The size of the status line and header block as HTTP/1.1 frames them
    /// (`HTTP/1.1 200 OK\r\n`, `Name: value\r\n` each, `\r\n`). For HTTP/2 this is the
    /// uncompressed size, an upper bound of the HPACK-compressed bytes.
    static func headerBytes(_ response: HTTPClientResponse) -> Int {
        var count = "HTTP/1.1 \(response.status.code) \(response.status.reasonPhrase)\r\n".utf8.count + 2
        for (name, value) in response.headers { count += name.utf8.count + 2 + value.utf8.count + 2 }
        return count
    }

    /// Throws a message that names the file when a PEM file holds no certificate, so a bad
    /// `--ca-cert` is a usage error, not a TLS failure on every https request.
    public static func checkTrustedCertificates(_ paths: [String]) throws {
        for path in paths {
            let certificates = (try? NIOSSLCertificate.fromPEMFile(path)) ?? []
            if certificates.isEmpty { throw TrustedCertificateError(path: path) }
        }
    }

    public struct TrustedCertificateError: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "no PEM certificate in \(path) (expected a file with -----BEGIN CERTIFICATE-----)" }
    }

    /// Maps AsyncHTTPClient, NIO and TLS errors onto the report's failure codes, by the error's
    /// type and fields (never its text); the error is kept as the failure's `cause`.
    static func classify(_ error: any Error) -> FetchError {
        if let error = error as? FetchError { return error }
        let text = String(describing: error)
        func failure(_ code: FetchError.Code, _ message: String) -> FetchError {
            FetchError(code, message, cause: error)
        }
        switch error {
        case let e as HTTPClientError:
            switch e {
            case .connectTimeout, .readTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout:
                return failure(.timeout, text)
            case .remoteConnectionClosed:
                return failure(.reset, "connection closed before the response completed")
            case .bodyLengthMismatch:
                return failure(.reset, "body shorter or longer than Content-Length")
            case .cancelled:
                return failure(.timeout, "request cancelled")
            case .invalidURL, .emptyHost, .emptyScheme:
                return failure(.invalidURL, text)
            default:
                return failure(.other, text)
            }
        case let e as HTTPParserError:
            if e == .invalidEOFState {
                return failure(.reset, "connection closed before the body was complete (shorter than Content-Length)")
            }
            return failure(.other, "malformed HTTP response: \(text)")
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return failure(.tls, text)
        case let e as NIOConnectionError:
            if e.connectionErrors.isEmpty, e.dnsAError != nil || e.dnsAAAAError != nil {
                return failure(.dns, "could not resolve host: \(e.host)")
            }
            if let first = e.connectionErrors.first?.error { return classify(first) }
            return failure(.other, text)
        case is SocketAddressError:
            return failure(.dns, "could not resolve host: \(text)")
        case let e as IOError:
            switch e.errnoCode {
            case ECONNREFUSED: return failure(.refused, "connection refused")
            case ECONNRESET, EPIPE, ECONNABORTED: return failure(.reset, text)
            case ETIMEDOUT: return failure(.timeout, text)
            default: return failure(.other, text)
            }
        case let e as ChannelError:
            switch e {
            case .connectTimeout: return failure(.timeout, text)
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed: return failure(.reset, text)
            default: return failure(.other, text)
            }
        case is CancellationError:
            return failure(.timeout, "request cancelled")
        default:
            return failure(.other, text)
        }
    }
}

func milliseconds(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> Double {
    let d = to - from
    return (Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15).rounded(toPlaces: 3)
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let f = Foundation.pow(10.0, Double(places))
        return (self * f).rounded() / f
    }
}

extension HTTPClientFetcher {
    /// Runs `body` with a fetcher over a client built from `configuration`, and always shuts
    /// the client down. Callers outside `Fetching` never touch AsyncHTTPClient.
    ///
    /// ```swift
    /// let result = try await HTTPClientFetcher.withFetcher(HTTPClientFetcher.clientConfiguration()) { fetcher in
    ///     await Crawler(fetcher: fetcher, configuration: configuration).run()
    /// }
    /// ```
    public static func withFetcher<Result>(
        _ configuration: HTTPClient.Configuration, options: Options = Options(), epoch: ContinuousClock.Instant = .now,
        _ body: (HTTPClientFetcher) async throws -> Result
    ) async throws -> Result {
        try await HTTPClient.withHTTPClient(configuration: configuration) { client in
            try await body(HTTPClientFetcher(client: client, options: options, epoch: epoch))
        }
    }
}
