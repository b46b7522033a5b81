public import Foundation
internal import NIOCore
internal import NIOConcurrencyHelpers
internal import NIOHTTP1
internal import NIOPosix
internal import HTTPSemantics

/// Serves a ``SyntheticSite`` over HTTP/1.1 (keep-alive, pipelining) with NIO's own server
/// pipeline: 200 with `ETag`, `Last-Modified` and `Cache-Control`; 304 for a matching
/// `If-None-Match` (or, without it, an `If-Modified-Since` not before `Last-Modified`); 404
/// elsewhere; `HEAD` as `GET` without the body. It counts the requests it answers and the
/// most it had in flight at once.
///
/// ```swift
/// try await SyntheticServer.withServer(SyntheticSite(pages: 1000)) { baseURL, server in … }
/// ```
public final class SyntheticServer: Sendable {
    let channel: any Channel
    public let baseURL: URL
    private let counter: NIOLockedValueBox<SyntheticCounts>

    /// Requests answered so far.
    public var requests: Int { counter.withLockedValue { $0.requests } }
    /// The most requests received and not yet answered at once (a request is answered when its
    /// response starts to be written).
    public var peakInFlight: Int { counter.withLockedValue { $0.peakInFlight } }

    private init(channel: any Channel, baseURL: URL, counter: NIOLockedValueBox<SyntheticCounts>) {
        self.channel = channel
        self.baseURL = baseURL
        self.counter = counter
    }

    /// Binds `host:port` (0: an ephemeral port) and starts serving; each response waits
    /// `responseDelay` (for tests that need requests to overlap).
    public static func start(_ site: SyntheticSite, host: String = "127.0.0.1", port: Int = 0,
                             responseDelay: Duration = .zero) async throws -> SyntheticServer {
        let counter = NIOLockedValueBox(SyntheticCounts())
        let delay = TimeAmount.nanoseconds(responseDelay.components.seconds * 1_000_000_000 + responseDelay.components.attoseconds / 1_000_000_000)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(SyntheticHandler(site: site, counter: counter, delay: delay))
                }
            }
            .bind(host: host, port: port)
            .get()
        let bound = channel.localAddress?.port ?? port
        return SyntheticServer(channel: channel, baseURL: URL(string: "http://\(host):\(bound)/")!, counter: counter)
    }

    public func shutdown() async throws {
        try await channel.close()
    }

    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    /// Starts a server for `site`, runs `body` with its base URL, and always stops it.
    public static func withServer<T>(_ site: SyntheticSite, responseDelay: Duration = .zero,
                                     _ body: (URL, SyntheticServer) async throws -> T) async throws -> T {
        let server = try await start(site, responseDelay: responseDelay)
        do {
            let result = try await body(server.baseURL, server)
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }
}

/// Answers each request head from the site (bodies of requests are ignored).
final class SyntheticHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let site: SyntheticSite
    let counter: NIOLockedValueBox<SyntheticCounts>
    let delay: TimeAmount
    private var head: HTTPRequestHead?
    /// The site's one Last-Modified, parsed once (If-Modified-Since is compared with it).
    static let lastModified = HTTPDate.parse(SyntheticSite.lastModified)

    init(site: SyntheticSite, counter: NIOLockedValueBox<SyntheticCounts>, delay: TimeAmount) {
        self.site = site
        self.counter = counter
        self.delay = delay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            counter.withLockedValue { $0.received() }
            if delay == .zero {
                respond(to: head, context: context)
            } else {
                context.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.respond(to: head, context: context) }
            }
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = String(request.uri.prefix { $0 != "?" && $0 != "#" })
        var headers = HTTPHeaders()
        headers.add(name: "Date", value: HTTPDate.format(Int(Date().timeIntervalSince1970)))
        var status = HTTPResponseStatus.ok
        var body: [UInt8] = []
        if let response = site.response(for: path) {
            headers.add(name: "ETag", value: response.etag)
            headers.add(name: "Last-Modified", value: SyntheticSite.lastModified)
            headers.add(name: "Cache-Control", value: response.cacheControl)
            if notModified(request, etag: response.etag) {
                status = .notModified
            } else {
                headers.add(name: "Content-Type", value: response.contentType)
                body = response.body
            }
        } else {
            status = .notFound
            headers.add(name: "Content-Type", value: "text/plain")
            body = Array("not found\n".utf8)
        }
        if status != .notModified { headers.add(name: "Content-Length", value: String(body.count)) }
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        // Answered from here on: the client cannot see the response before it is written, so
        // a request it sends after this answer is never counted as overlapping it. Counted at
        // the write's completion instead, a server thread preempted between the write and that
        // callback let the client's next request (another process's, through a shared host
        // slot) arrive first: a third request "in flight" under --per-host 2 that never was.
        counter.withLockedValue { $0.inFlight -= 1 }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if !body.isEmpty, request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { written.whenComplete { [channel = context.channel] _ in channel.close(promise: nil) } }
    }

    private func notModified(_ request: HTTPRequestHead, etag: String) -> Bool {
        let preconditions = Preconditions(fields: request.headers.map { ($0.name, $0.value) })
        return preconditions.evaluate(method: request.method.rawValue, etag: EntityTag(parsing: Substring(etag)),
                                      lastModified: Self.lastModified) == .notModified
    }
}

/// What a ``SyntheticServer`` counts.
struct SyntheticCounts {
    var requests = 0
    var inFlight = 0
    var peakInFlight = 0

    mutating func received() {
        requests += 1
        inFlight += 1
        peakInFlight = max(peakInFlight, inFlight)
    }
}
